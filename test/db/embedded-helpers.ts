import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import mongoose from 'mongoose';
import { findExecutable } from '../../src/db/embedded/find-executable';

export const projectRoot = resolve(__dirname, '..', '..');

/** Long enough for a first FerretDB build on a fresh machine (about a minute). */
export const FIRST_START_TIMEOUT_MS = 6 * 60_000;

export function makeTempDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `shixun-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function collectLog(): { log: (line: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

/** PATH with every directory that holds `name` left out. */
export function pathWithout(name: string, pathValue = process.env.PATH ?? ''): string {
  return pathValue
    .split(delimiter)
    .filter((dir) => dir && !findExecutable(name, dir))
    .join(delimiter);
}

export function withPath<T>(pathValue: string, run: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = pathValue;
  return run().finally(() => {
    process.env.PATH = saved;
  });
}

/** A pid that certainly belonged to a process that has exited. */
export function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  if (!result.pid) throw new Error('could not get a pid');
  return result.pid;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An orphan that was killed may show as a zombie until init reaps it.
  const stat = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return !stat.startsWith('Z');
}

export async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

const noteSchema = new mongoose.Schema({ text: { type: String, required: true } });

export async function writeNote(uri: string, db: string, text: string): Promise<void> {
  const conn = await mongoose.createConnection(uri + db, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    await conn.model('Note', noteSchema).create({ text });
  } finally {
    await conn.close();
  }
}

export async function readNotes(uri: string, db: string): Promise<string[]> {
  const conn = await mongoose.createConnection(uri + db, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    const notes = await conn.model('Note', noteSchema).find().sort({ _id: 1 }).lean();
    return notes.map((n) => n.text);
  } finally {
    await conn.close();
  }
}

export interface FixtureInfo {
  kind: string;
  uri: string;
  owned: boolean;
  childPid: number;
}

/**
 * Runs test/db/embedded-child.fixture.ts in a separate node process (via tsx)
 * and resolves once it has printed its server info.
 */
export function startFixture(
  dataDir: string,
  mode: 'signals' | 'exit' | 'hang',
): Promise<{ child: ChildProcess; info: FixtureInfo; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'embedded-child.fixture.ts'), dataDir, mode], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal })),
  );
  const info = new Promise<FixtureInfo>((resolveInfo, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolveInfo(JSON.parse(line) as FixtureInfo);
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`fixture exited (${code ?? signal}) before printing its server: ${stderr}`)),
    );
  });
  return info.then((i) => ({ child, info: i, exited, stderr: () => stderr }));
}
