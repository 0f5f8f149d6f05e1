import { randomBytes } from 'node:crypto';
import { promises as fsp, readFileSync, unlinkSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { commandLine, isAlive, terminatePid } from './processes';
import type { EmbeddedKind } from './types';
import { pingOnce } from './wait-ready';

export const LOCK_FILE = 'embedded.lock';
export const URI_FILE = 'mongodb.uri';

export const lockPath = (dataDir: string) => join(dataDir, LOCK_FILE);
export const uriPath = (dataDir: string) => join(dataDir, URI_FILE);

/** Contents of DATA_DIR/embedded.lock. childPid/kind/uri are null while the owner is still starting. */
export interface LockRecord {
  ownerPid: number;
  childPid: number | null;
  kind: EmbeddedKind | null;
  uri: string | null;
  startedAt: string;
}

export type RunningRecord = LockRecord & { childPid: number; kind: EmbeddedKind; uri: string };

export async function readLock(dataDir: string): Promise<LockRecord | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(lockPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseLock(text);
}

/** Garbage in the lock file reads as a lock whose owner is gone, so it gets cleaned up. */
function parseLock(text: string): LockRecord {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.ownerPid === 'number') {
      return {
        ownerPid: value.ownerPid,
        childPid: typeof value.childPid === 'number' ? value.childPid : null,
        kind: value.kind ?? null,
        uri: typeof value.uri === 'string' ? value.uri : null,
        startedAt: String(value.startedAt ?? ''),
      };
    }
  } catch {
    // fall through
  }
  return { ownerPid: 0, childPid: null, kind: null, uri: null, startedAt: '' };
}

const sameLock = (a: LockRecord | undefined, b: LockRecord) =>
  !!a && a.ownerPid === b.ownerPid && a.startedAt === b.startedAt;

const tempName = (file: string) => `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

/** Write-then-rename, so a reader never sees half a file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = tempName(file);
  await fsp.writeFile(tmp, text);
  await fsp.rename(tmp, file);
}

/** Creates the lock only if there is none; link() fails with EEXIST where open('wx') would leave an empty file visible. */
async function createLock(dataDir: string, record: LockRecord): Promise<boolean> {
  const tmp = tempName(lockPath(dataDir));
  await fsp.writeFile(tmp, JSON.stringify(record, null, 2) + '\n');
  try {
    await fsp.link(tmp, lockPath(dataDir));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fsp.unlink(tmp).catch(() => undefined);
  }
}

/** The lock this process holds while it starts and runs a server. */
export class OwnedLock {
  private released = false;

  constructor(
    readonly dataDir: string,
    private record: LockRecord,
  ) {}

  get current(): LockRecord {
    return { ...this.record };
  }

  /** Records the running server and writes DATA_DIR/mongodb.uri for CLI commands and mongosh. */
  async publish(server: { kind: EmbeddedKind; uri: string; childPid: number }): Promise<void> {
    const onDisk = await readLock(this.dataDir);
    if (!sameLock(onDisk, this.record)) {
      throw new Error(`${lockPath(this.dataDir)} was taken over by pid ${onDisk?.ownerPid ?? '?'} while starting`);
    }
    this.record = { ...this.record, ...server };
    await writeAtomically(lockPath(this.dataDir), JSON.stringify(this.record, null, 2) + '\n');
    await writeAtomically(uriPath(this.dataDir), server.uri + '\n');
  }

  /** Removes the lock and uri files, but only while they are still ours. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (sameLock(await readLock(this.dataDir).catch(() => undefined), this.record)) {
      await fsp.unlink(lockPath(this.dataDir)).catch(() => undefined);
      await this.removeUriFile();
    }
  }

  /** For process 'exit' handlers, where nothing async runs. */
  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (!sameLock(parseLock(readFileSync(lockPath(this.dataDir), 'utf8')), this.record)) return;
      unlinkSync(lockPath(this.dataDir));
      if (this.record.uri && readFileSync(uriPath(this.dataDir), 'utf8').trim() === this.record.uri) {
        unlinkSync(uriPath(this.dataDir));
      }
    } catch {
      // Best effort: a leftover lock is detected as stale on the next start.
    }
  }

  private async removeUriFile(): Promise<void> {
    const text = await fsp.readFile(uriPath(this.dataDir), 'utf8').catch(() => undefined);
    if (text !== undefined && (!this.record.uri || text.trim() === this.record.uri)) {
      await fsp.unlink(uriPath(this.dataDir)).catch(() => undefined);
    }
  }
}

export type Claim = { type: 'reuse'; record: RunningRecord } | { type: 'own'; lock: OwnedLock };

export interface ClaimOptions {
  log: (line: string) => void;
  /** How long to wait for another process that is still starting a server here. */
  waitMs?: number;
}

/**
 * Either takes the data directory's lock, or finds a live server to reuse.
 * Two servers on one data directory would corrupt it, so when in doubt this
 * waits and then fails rather than starting a second one.
 */
export async function claimDataDir(dataDirInput: string, options: ClaimOptions): Promise<Claim> {
  const dataDir = resolve(dataDirInput);
  const deadline = Date.now() + (options.waitMs ?? 180_000);
  let waitingSince: number | undefined;
  for (;;) {
    const mine: LockRecord = {
      ownerPid: process.pid,
      childPid: null,
      kind: null,
      uri: null,
      startedAt: new Date().toISOString(),
    };
    if (await createLock(dataDir, mine)) return { type: 'own', lock: new OwnedLock(dataDir, mine) };

    const record = await readLock(dataDir);
    if (!record) continue; // released between our two steps: try again

    const verdict = await judge(record, dataDir);
    if (verdict.state === 'running') return { type: 'reuse', record: verdict.record };
    if (verdict.state === 'stale') {
      await clearStaleLock(dataDir, record, options.log);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${lockPath(dataDir)} is held by pid ${record.ownerPid}, whose server ${verdict.why}; ` +
          'stop that process, or remove the lock if you are sure it is not running',
      );
    }
    if (waitingSince === undefined) {
      waitingSince = Date.now();
      options.log(`embedded MongoDB: waiting for pid ${record.ownerPid}, whose server ${verdict.why}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const MAX_STARTING_MS = 20 * 60_000;

type Verdict =
  | { state: 'running'; record: RunningRecord }
  | { state: 'stale' }
  | { state: 'busy'; why: string };

async function judge(record: LockRecord, dataDir: string): Promise<Verdict> {
  // A dead owner can no longer stop its server, so it is not reused even if it answers.
  if (!isAlive(record.ownerPid)) return { state: 'stale' };
  if (record.uri === null || record.childPid === null || record.kind === null) {
    // Starting includes a one-off FerretDB build (about a minute); far longer
    // means the pid was reused by some other process after a crash.
    const age = Date.now() - Date.parse(record.startedAt);
    if (!(age < MAX_STARTING_MS)) return { state: 'stale' };
    return { state: 'busy', why: 'is still starting' };
  }
  if (!isAlive(record.childPid) || !looksLikeServer(record.childPid, dataDir)) return { state: 'stale' };
  if (await pingOnce(record.uri, 2000)) return { state: 'running', record: record as RunningRecord };
  return { state: 'busy', why: `(pid ${record.childPid}) does not answer at ${record.uri}` };
}

/**
 * A recorded pid may have been reused by an unrelated process since; only a
 * process whose command line names our data directory is ours to kill.
 */
export function looksLikeServer(pid: number, dataDir: string): boolean {
  const cmd = commandLine(pid);
  return !!cmd && cmd.includes(resolve(dataDir) + sep) && /ferretdb|mongod/i.test(cmd);
}

async function clearStaleLock(dataDir: string, stale: LockRecord, log: (line: string) => void): Promise<void> {
  const notes: string[] = [];
  if (isAlive(stale.childPid)) {
    if (looksLikeServer(stale.childPid, dataDir)) {
      const gone = await terminatePid(stale.childPid);
      notes.push(`${gone ? 'stopped' : 'could not stop'} its leftover ${stale.kind ?? 'server'} (pid ${stale.childPid})`);
      if (!gone) throw new Error(`leftover server pid ${stale.childPid} on ${dataDir} would not stop`);
    } else {
      notes.push(`left pid ${stale.childPid} alone: it is not a server on this data directory`);
    }
  }
  // Move the lock aside before deleting it, and check it is the one we judged:
  // another process may have replaced it since we read it.
  const aside = tempName(lockPath(dataDir));
  try {
    await fsp.rename(lockPath(dataDir), aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = parseLock(await fsp.readFile(aside, 'utf8'));
  if (!sameLock(moved, stale)) {
    await fsp.link(aside, lockPath(dataDir)).catch(() => undefined);
    await fsp.unlink(aside).catch(() => undefined);
    return;
  }
  await fsp.unlink(aside).catch(() => undefined);
  if (stale.uri) {
    const uriText = await fsp.readFile(uriPath(dataDir), 'utf8').catch(() => undefined);
    if (uriText?.trim() === stale.uri) await fsp.unlink(uriPath(dataDir)).catch(() => undefined);
  }
  const owner = isAlive(stale.ownerPid) ? `pid ${stale.ownerPid}, whose server is gone` : `pid ${stale.ownerPid}, which is no longer running`;
  log(`embedded MongoDB: removed stale ${LOCK_FILE} left by ${owner}${notes.length ? `; ${notes.join('; ')}` : ''}`);
}
