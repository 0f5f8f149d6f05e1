import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  ensureFerretDbBinary,
  lockPath,
  NoEmbeddedServerError,
  provideEmbeddedServer,
  readLock,
  uriPath,
  type EmbeddedServer,
  type LockRecord,
} from '../../src/db/embedded';
import {
  collectLog,
  deadPid,
  FIRST_START_TIMEOUT_MS,
  makeTempDir,
  pathWithout,
  pidAlive,
  projectRoot,
  readNotes,
  withPath,
  writeNote,
} from './embedded-helpers';

const started: EmbeddedServer[] = [];
const temp = makeTempDir('provide');

beforeAll(async () => {
  await ensureFerretDbBinary(projectRoot, (line) => console.log(line));
}, FIRST_START_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  temp.remove();
});

async function provide(dataDir: string, log: (line: string) => void) {
  const server = await provideEmbeddedServer({ dataDir, projectRoot, log });
  started.push(server);
  return server;
}

describe('fallback order', () => {
  it('chooses ferretdb when PATH has no mongod, and says so in one line', async () => {
    const dataDir = join(temp.dir, 'no-mongod');
    const { log, lines } = collectLog();
    const server = await withPath(pathWithout('mongod'), () => provide(dataDir, log));
    expect(server).toMatchObject({ kind: 'ferretdb', owned: true });
    const chosen = lines.filter((l) => l.startsWith('embedded MongoDB: ferretdb at '));
    expect(chosen).toHaveLength(1);
    expect(chosen[0]).toContain(server.uri);
    expect(chosen[0]).toContain('skipped mongod: no mongod on PATH');
    expect(chosen[0]).toContain(uriPath(dataDir));
    await server.stop();
  });

  it('tries a mongod on PATH first, and falls back to ferretdb when it fails', async () => {
    const dataDir = join(temp.dir, 'broken-mongod');
    const fakeBin = join(temp.dir, 'fake-bin');
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(join(fakeBin, 'mongod'), '#!/bin/sh\necho "fake mongod refuses to start" >&2\nexit 3\n');
    chmodSync(join(fakeBin, 'mongod'), 0o755);
    const { log, lines } = collectLog();
    const server = await withPath(fakeBin + delimiter + pathWithout('mongod'), () => provide(dataDir, log));
    expect(server.kind).toBe('ferretdb');
    const chosen = lines.find((l) => l.startsWith('embedded MongoDB: ferretdb at '));
    expect(chosen).toMatch(/skipped mongod: .*fake-bin\/mongod did not start: mongod exited with code 3.*fake mongod refuses to start/);
    await server.stop();
  });

  it('fails with a MONGODB_URI hint and every rung\'s reason when nothing works', async () => {
    const { dir, remove } = makeTempDir('nothing');
    const savedBinary = process.env.MONGOMS_SYSTEM_BINARY;
    // Makes the memory-server rung fail the same way with or without internet.
    process.env.MONGOMS_SYSTEM_BINARY = join(dir, 'no-such-mongod');
    try {
      const attempt = withPath(pathWithout('go', pathWithout('mongod')), () =>
        provideEmbeddedServer({ dataDir: join(dir, 'data'), projectRoot: dir, log: () => undefined }),
      );
      await expect(attempt).rejects.toBeInstanceOf(NoEmbeddedServerError);
      const message = ((await attempt.catch((e: unknown) => e)) as Error).message;
      expect(message).toContain('MONGODB_URI=mongodb://127.0.0.1:27017/shixun npm start');
      expect(message).toMatch(/- mongod: no mongod on PATH/);
      expect(message).toMatch(/- ferretdb: no FerretDB binary .* Go is not on PATH/);
      expect(message).toMatch(/- mongodb-memory-server: could not start a mongod: /);
      expect(existsSync(lockPath(join(dir, 'data')))).toBe(false);
    } finally {
      if (savedBinary === undefined) delete process.env.MONGOMS_SYSTEM_BINARY;
      else process.env.MONGOMS_SYSTEM_BINARY = savedBinary;
      remove();
    }
  });
});

describe('lock and uri files', () => {
  it('a second provide on the same data directory reuses the running server', async () => {
    const dataDir = join(temp.dir, 'reuse');
    const { log, lines } = collectLog();
    const owner = await provide(dataDir, log);
    expect(owner.owned).toBe(true);
    const lock = (await readLock(dataDir)) as LockRecord;
    expect(lock).toMatchObject({ ownerPid: process.pid, kind: 'ferretdb', uri: owner.uri });
    expect(pidAlive(lock.childPid!)).toBe(true);
    expect(readFileSync(uriPath(dataDir), 'utf8')).toBe(owner.uri + '\n');

    const guest = await provide(dataDir, log);
    expect(guest).toMatchObject({ kind: 'ferretdb', owned: false, uri: owner.uri });
    expect(lines.some((l) => l.startsWith(`embedded MongoDB: reusing ferretdb at ${owner.uri}`))).toBe(true);

    // A guest's stop() leaves the server running for its owner.
    await guest.stop();
    await writeNote(owner.uri, 'reuse', 'still up');
    expect(existsSync(lockPath(dataDir))).toBe(true);

    await owner.stop();
    expect(pidAlive(lock.childPid!)).toBe(false);
    expect(existsSync(lockPath(dataDir))).toBe(false);
    expect(existsSync(uriPath(dataDir))).toBe(false);

    // Restart on the same directory: the data is still there.
    const again = await provide(dataDir, log);
    expect(again.owned).toBe(true);
    expect(await readNotes(again.uri, 'reuse')).toEqual(['still up']);
    await again.stop();
  });

  it('concurrent provides on one data directory start exactly one server', async () => {
    const dataDir = join(temp.dir, 'concurrent');
    const { log } = collectLog();
    const servers = await Promise.all([provide(dataDir, log), provide(dataDir, log), provide(dataDir, log)]);
    expect(servers.filter((s) => s.owned)).toHaveLength(1);
    expect(new Set(servers.map((s) => s.uri)).size).toBe(1);
    await Promise.all(servers.map((s) => s.stop()));
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it('replaces a stale lock whose owner is dead, leaving an unrelated recorded pid alone', async () => {
    const dataDir = join(temp.dir, 'stale');
    mkdirSync(dataDir, { recursive: true });
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const staleRecord: LockRecord = {
        ownerPid: deadPid(),
        childPid: bystander.pid!,
        kind: 'ferretdb',
        uri: 'mongodb://127.0.0.1:9/',
        startedAt: new Date(Date.now() - 60_000).toISOString(),
      };
      writeFileSync(lockPath(dataDir), JSON.stringify(staleRecord));
      writeFileSync(uriPath(dataDir), staleRecord.uri + '\n');

      const { log, lines } = collectLog();
      const server = await provide(dataDir, log);
      expect(server.owned).toBe(true);
      expect(lines.join('\n')).toMatch(
        new RegExp(`removed stale embedded.lock left by pid ${staleRecord.ownerPid}, which is no longer running; left pid ${bystander.pid} alone`),
      );
      expect(pidAlive(bystander.pid!)).toBe(true);
      expect(await readLock(dataDir)).toMatchObject({ ownerPid: process.pid, uri: server.uri });
      expect(readFileSync(uriPath(dataDir), 'utf8').trim()).toBe(server.uri);
      await server.stop();
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('treats an unreadable lock file as stale', async () => {
    const dataDir = join(temp.dir, 'garbage');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(lockPath(dataDir), '{ not json');
    const { log } = collectLog();
    const server = await provide(dataDir, log);
    expect(server.owned).toBe(true);
    await server.stop();
  });
});
