export { loadConfig, ConfigError } from './config';
export { resolveSessionSecret } from './session-secret';
export type { Config } from './config';
