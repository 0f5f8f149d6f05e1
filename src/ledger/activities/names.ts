import { CATEGORIES, type Category } from '../../courses';
import { TRAINING_MODES, type TrainingMode } from '..';

/**
 * The Chinese names registrars write in import files and see on forms, defined once here. The
 * ids are the ledger's (`TRAINING_MODES`, `CATEGORIES`); `satisfies` keeps both lists complete.
 */
export const TRAINING_MODE_NAMES = {
  'research-project': '课题研究',
  'self-study': '自修反思',
  'classroom-observation': '课堂观摩',
  'thematic-lecture': '专题讲座',
  'case-analysis': '案例分析',
  'inter-school': '校际合作',
  mentoring: '师徒结对',
  'online-exchange': '网络交流',
  salon: '沙龙研讨',
} as const satisfies Record<TrainingMode, string>;

export const CATEGORY_NAMES = {
  'homeroom-new': '新任班主任上岗培训',
  'homeroom-inservice': '在岗班主任专题培训',
  'homeroom-backbone': '骨干班主任高级研修',
  'school-based': '校本培训',
  'ethics-integrity': '师德师风与清廉学校',
  safety: '学校安全',
  other: '其他',
} as const satisfies Record<Category, string>;

/** Short forms registrars also write for categories (the labels of the hours pages). */
const CATEGORY_ALIASES: Record<string, Category> = {
  新任班主任: 'homeroom-new',
  在岗班主任: 'homeroom-inservice',
  骨干班主任: 'homeroom-backbone',
  师德师风: 'ethics-integrity',
  清廉学校: 'ethics-integrity',
};

/** Trimmed, full-width letters and spaces folded, lowercase: "  Research-Project " → "research-project". */
function fold(value: string): string {
  return value
    .normalize('NFKC')
    .trim()
    .replace(/[\s_]+/g, '-')
    .toLowerCase();
}

const MODE_BY_TEXT = new Map<string, TrainingMode>([
  ...TRAINING_MODES.map((mode) => [mode, mode] as const),
  ...TRAINING_MODES.map((mode) => [fold(TRAINING_MODE_NAMES[mode]), mode] as const),
]);

const CATEGORY_BY_TEXT = new Map<string, Category>([
  ...CATEGORIES.map((category) => [category, category] as const),
  ...CATEGORIES.map((category) => [fold(CATEGORY_NAMES[category]), category] as const),
  ...Object.entries(CATEGORY_ALIASES).map(([name, category]) => [fold(name), category] as const),
]);

/** A training mode from its id or its Chinese name (课题研究 → research-project); undefined if neither. */
export function parseTrainingMode(text: string): TrainingMode | undefined {
  return MODE_BY_TEXT.get(fold(text));
}

/** A ledger category from its id or its Chinese name (校本培训 → school-based); undefined if neither. */
export function parseCategory(text: string): Category | undefined {
  return CATEGORY_BY_TEXT.get(fold(text));
}
