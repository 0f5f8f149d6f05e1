import i18next, { type TFunction } from 'i18next';
import type { NextFunction, Request, Response } from 'express';
import zhCN from './locales/zh-CN.json';
import en from './locales/en.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

const LANGUAGE_COOKIE = 'lang';

const translator = i18next.createInstance();
void translator.init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
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
