export { loadConfig, ConfigError } from './config';
export { resolveSessionSecret, resolveEncryptionKey } from './generated-secrets';
export type { Config } from './config';
