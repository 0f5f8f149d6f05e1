import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs `shixun` as an operator would: a separate process, its exit code and output. */
export function runShixun(args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'shixun.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `runShixun` pointed at a test file's own database. */
export function shixunOn(database: { uri: () => string; dbName: string }) {
  return (args: string[], input?: string) => runShixun(args, { MONGODB_URI: database.uri(), MONGODB_DB: database.dbName }, input);
}
