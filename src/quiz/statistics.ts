import type { AttemptGrade } from './grade';

export interface ItemStatistics {
  key: string;
  /** How many graded attempts drew this item. */
  answered: number;
  /** Average share of the item's points earned, 0–100. */
  percentCorrect: number;
  /**
   * Upper-minus-lower discrimination index (−1…1): how much better the top 27% of attempts did on
   * this item than the bottom 27%. Near zero or negative marks a question worth rereading.
   * Undefined until there are enough attempts to form both groups.
   */
  discrimination?: number;
}

export interface ModuleStatistics {
  attempts: number;
  passed: number;
  passRate: number;
  averagePercent: number;
  items: ItemStatistics[];
}

const GROUP_SHARE = 0.27;
const MIN_ATTEMPTS_FOR_DISCRIMINATION = 10;

export function moduleStatistics(grades: readonly AttemptGrade[]): ModuleStatistics {
  const attempts = grades.length;
  const passed = grades.filter((grade) => grade.passed).length;
  const byScore = [...grades].sort((a, b) => b.percent - a.percent);
  const groupSize = Math.floor(attempts * GROUP_SHARE);
  const upper = byScore.slice(0, groupSize);
  const lower = byScore.slice(attempts - groupSize);

  const keys = [...new Set(grades.flatMap((grade) => grade.items.map((item) => item.key)))].sort();
  const items = keys.map((key): ItemStatistics => {
    const shares = grades.flatMap((grade) => grade.items.filter((item) => item.key === key).map(shareOf));
    const stats: ItemStatistics = { key, answered: shares.length, percentCorrect: round1(average(shares) * 100) };
    if (attempts >= MIN_ATTEMPTS_FOR_DISCRIMINATION && groupSize > 0) {
      const inGroup = (group: readonly AttemptGrade[]) => group.flatMap((grade) => grade.items.filter((item) => item.key === key).map(shareOf));
      const upperShares = inGroup(upper);
      const lowerShares = inGroup(lower);
      if (upperShares.length > 0 && lowerShares.length > 0) stats.discrimination = round2(average(upperShares) - average(lowerShares));
    }
    return stats;
  });
  return {
    attempts,
    passed,
    passRate: attempts === 0 ? 0 : round1((passed / attempts) * 100),
    averagePercent: round1(average(grades.map((grade) => grade.percent))),
    items,
  };
}

const shareOf = (item: { earned: number; possible: number }) => (item.possible > 0 ? item.earned / item.possible : 0);
const average = (values: readonly number[]) => (values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length);
const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;
