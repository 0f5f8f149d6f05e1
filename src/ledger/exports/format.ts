import type { Category } from '../../courses';
import type { HomeroomTier } from '../../users';
import { TRAINING_MODE_NAMES } from '../activities/names';
import type { LedgerEntry, TrainingMode } from '../schema';

/** Cell texts: Chinese with the English (and the stored code) in parentheses, as the headers are. */
export const CATEGORY_LABELS: Record<Category, { zh: string; en: string }> = {
  'homeroom-new': { zh: '新任班主任', en: 'New homeroom teacher' },
  'homeroom-inservice': { zh: '在岗班主任', en: 'In-service homeroom teacher' },
  'homeroom-backbone': { zh: '骨干班主任', en: 'Backbone homeroom teacher' },
  'school-based': { zh: '校本培训', en: 'School-based training' },
  'ethics-integrity': { zh: '师德师风', en: 'Ethics and integrity' },
  safety: { zh: '学校安全', en: 'School safety' },
  other: { zh: '其他', en: 'Other' },
};

const TIER_LABELS: Record<HomeroomTier, string> = { new: '新任班主任', inservice: '在岗班主任', backbone: '骨干班主任' };

export const categoryText = (category: Category) => `${CATEGORY_LABELS[category].zh} (${category})`;
export const modeText = (mode: TrainingMode | undefined) => (mode ? `${TRAINING_MODE_NAMES[mode]} (${mode})` : undefined);
export const tierText = (tier: HomeroomTier | undefined) => (tier ? `${TIER_LABELS[tier]} (${tier})` : undefined);

export function sourceText(source: LedgerEntry['source']): string {
  switch (source.kind) {
    case 'module':
      return `${source.moduleId}@${source.moduleVersion}`;
    case 'offline':
      return `线下活动 (offline): ${source.activityId}`;
    default:
      return '冲销 (reversal)';
  }
}

/** China Standard Time has no daylight saving: a fixed +08:00. */
const CHINA_OFFSET_MS = 8 * 3600_000;
const inChina = (date: Date) => new Date(date.getTime() + CHINA_OFFSET_MS).toISOString();

/** `2026-03-10`: the calendar date in Beijing. */
export const chinaDate = (date: Date) => inChina(date).slice(0, 10);
/** `2026-03-10T11:00:00+08:00`. */
export const chinaDateTime = (date: Date) => `${inChina(date).slice(0, 19)}+08:00`;

/** Sums in hundredths of an hour, as the ledger does, so 0.1 + 0.2 is 0.3. */
export const toHundredths = (hours: number) => Math.round(hours * 100);
export const fromHundredths = (hundredths: number) => hundredths / 100;
