export { createApp, type AppOptions } from './app';
export { translatorFor, LANGUAGES, DEFAULT_LANGUAGE, type Language } from './i18n';
