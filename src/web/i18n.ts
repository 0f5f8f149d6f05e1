import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import type { NextFunction, Request, Response } from 'express';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

const LANGUAGE_COOKIE = 'lang';

const LOCALES_DIR = path.join(__dirname, 'locales');

/**
 * Each capability keeps its messages in its own file (`locales/<lang>/<area>.json`) so areas can
 * grow without touching one shared file; their top-level sections must not collide.
 */
export function messagesFor(language: Language): Record<string, unknown> {
  const directory = path.join(LOCALES_DIR, language);
  const merged: Record<string, unknown> = {};
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.json')).sort()) {
    const sections = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as Record<string, unknown>;
    for (const [section, messages] of Object.entries(sections)) {
      if (section in merged) throw new Error(`i18n: section "${section}" of ${language}/${file} is already defined by another file`);
      merged[section] = messages;
    }
  }
  return merged;
}

const translator = i18next.createInstance();
void translator.init({
  resources: { 'zh-CN': { translation: messagesFor('zh-CN') }, en: { translation: messagesFor('en') } },
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  // Handlebars escapes what the `t` helper returns; escaping here too would double-escape.
  interpolation: { escapeValue: false },
  initAsync: false,
});

export function translatorFor(language: Language): TFunction {
  return translator.getFixedT(language);
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * `?lang=en` switches and is remembered in a cookie; otherwise the cookie, then the browser's
 * Accept-Language, then Chinese.
 */
export function languageMiddleware(req: Request, res: Response, next: NextFunction): void {
  const requested = req.query.lang;
  let language: Language | undefined;
  if (isLanguage(requested)) {
    language = requested;
    res.cookie(LANGUAGE_COOKIE, language, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 });
  } else if (isLanguage(req.cookies?.[LANGUAGE_COOKIE])) {
    language = req.cookies[LANGUAGE_COOKIE] as Language;
  } else {
    const preferred = req.acceptsLanguages('zh-CN', 'zh', 'en');
    language = preferred === 'en' ? 'en' : DEFAULT_LANGUAGE;
  }
  res.locals.lang = language;
  res.locals.t = translatorFor(language);
  next();
}
