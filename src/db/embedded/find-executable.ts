import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Like `command -v`, without spawning a shell; reads PATH at call time so callers can change it. */
export function findExecutable(name: string, pathValue = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathValue.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
