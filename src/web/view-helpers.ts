import type { HelperOptions } from 'handlebars';
import type { TFunction } from 'i18next';
import type { LocalizedText } from '../courses';
import { DEFAULT_LANGUAGE, isLanguage } from './i18n';

const rootOf = (options: HelperOptions) => (options.data?.root ?? {}) as { t?: TFunction; lang?: string };

/** Helpers available in every view. None returns HTML: Handlebars escapes all of them. */
export const viewHelpers = {
  /** {{t "module.progress" studied=3 total=5}} */
  t(key: string, options: HelperOptions): string {
    const t = rootOf(options).t;
    return t ? String(t(key, options.hash)) : key;
  },
  /** Picks the reader's language from a course text, falling back to Chinese. */
  loc(text: LocalizedText | undefined, options: HelperOptions): string {
    if (!text) return '';
    const lang = rootOf(options).lang;
    const chosen = isLanguage(lang) && lang !== DEFAULT_LANGUAGE ? text[lang] : undefined;
    return chosen ?? text['zh-CN'];
  },
  /** Builds i18n keys from data: {{t (concat "track." track)}}. The options hash is dropped. */
  concat(...parts: unknown[]): string {
    return parts.slice(0, -1).join('');
  },
  /** A literal list in a template: {{#each (array "a" "b")}}. */
  array(...items: unknown[]): unknown[] {
    return items.slice(0, -1);
  },
  eq(a: unknown, b: unknown): boolean {
    return a === b;
  },
  inc(value: number): number {
    return value + 1;
  },
  /** A calendar day in China Standard Time, for due dates. */
  day(value: Date | string | undefined, options: HelperOptions): string {
    if (!value) return '';
    const lang = rootOf(options).lang ?? DEFAULT_LANGUAGE;
    return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(new Date(value));
  },
  date(value: Date | string | undefined, options: HelperOptions): string {
    if (!value) return '';
    const lang = rootOf(options).lang ?? DEFAULT_LANGUAGE;
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }).format(new Date(value));
  },
};
