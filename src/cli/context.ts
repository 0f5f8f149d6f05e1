import type { Config } from '../config';

export interface CliContext {
  config: Config;
  out: (line: string) => void;
  log: (line: string) => void;
}
