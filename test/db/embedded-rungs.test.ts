import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureFerretDbBinary,
  RungUnavailableError,
  startFerretDb,
  startMemoryServer,
  startMongod,
  type EmbeddedServer,
} from '../../src/db/embedded';
import { findExecutable } from '../../src/db/embedded/find-executable';
import {
  collectLog,
  FIRST_START_TIMEOUT_MS,
  makeTempDir,
  pathWithout,
  projectRoot,
  readNotes,
  withPath,
  writeNote,
} from './embedded-helpers';

const started: EmbeddedServer[] = [];
const temp = makeTempDir('rungs');

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  temp.remove();
});

describe('ferretdb rung', () => {
  const dataDir = join(temp.dir, 'ferret');

  beforeAll(async () => {
    await ensureFerretDbBinary(projectRoot, (line) => console.log(line));
  }, FIRST_START_TIMEOUT_MS);

  it('starts, takes writes through mongoose, and keeps them across a restart', async () => {
    const { log } = collectLog();
    const first = await startFerretDb({ dataDir, projectRoot, log });
    started.push(first);
    expect(first).toMatchObject({ kind: 'ferretdb', owned: true });
    expect(first.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    await writeNote(first.uri, 'rungs', 'survives a restart');
    await first.stop();
    expect(existsSync(join(dataDir, 'ferretdb', 'sqlite', 'rungs.sqlite'))).toBe(true);

    const second = await startFerretDb({ dataDir, projectRoot, log });
    started.push(second);
    expect(await readNotes(second.uri, 'rungs')).toEqual(['survives a restart']);
    await second.stop();
  });

  it('runs two instances side by side (no shared debug listener or port)', async () => {
    const { log } = collectLog();
    const a = await startFerretDb({ dataDir: join(temp.dir, 'side-a'), projectRoot, log });
    started.push(a);
    const b = await startFerretDb({ dataDir: join(temp.dir, 'side-b'), projectRoot, log });
    started.push(b);
    expect(a.uri).not.toEqual(b.uri);
    await writeNote(a.uri, 'side', 'a');
    await writeNote(b.uri, 'side', 'b');
    expect(await readNotes(a.uri, 'side')).toEqual(['a']);
    expect(await readNotes(b.uri, 'side')).toEqual(['b']);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('says why when there is no binary and no Go to build one', async () => {
    const { dir, remove } = makeTempDir('no-go');
    try {
      const attempt = withPath(pathWithout('go'), () =>
        startFerretDb({ dataDir: join(dir, 'data'), projectRoot: dir, log: () => undefined }),
      );
      await expect(attempt).rejects.toBeInstanceOf(RungUnavailableError);
      await expect(attempt).rejects.toMatchObject({ kind: 'ferretdb', reason: expect.stringMatching(/Go is not on PATH/) });
    } finally {
      remove();
    }
  });
});

describe('mongod rung', () => {
  const mongod = findExecutable('mongod');

  it('reports "no mongod on PATH" when there is none', async () => {
    const attempt = withPath(pathWithout('mongod'), () =>
      startMongod({ dataDir: join(temp.dir, 'no-mongod'), projectRoot, log: () => undefined }),
    );
    await expect(attempt).rejects.toMatchObject({ kind: 'mongod', reason: 'no mongod on PATH' });
  });

  const withMongod = mongod ? it : it.skip;
  withMongod(`starts the mongod on PATH and keeps data across a restart${mongod ? '' : ' — SKIPPED: no mongod on PATH on this machine'}`, async () => {
    const dataDir = join(temp.dir, 'mongod');
    const first = await startMongod({ dataDir, projectRoot, log: () => undefined });
    started.push(first);
    expect(first.kind).toBe('mongod');
    await writeNote(first.uri, 'rungs', 'kept by mongod');
    await first.stop();
    const second = await startMongod({ dataDir, projectRoot, log: () => undefined });
    started.push(second);
    expect(await readNotes(second.uri, 'rungs')).toEqual(['kept by mongod']);
    await second.stop();
  });
});

describe('mongodb-memory-server rung', () => {
  it('either starts a persistent mongod or fails with a reason (it cannot download one here)', async () => {
    const dataDir = join(temp.dir, 'mms');
    let server: EmbeddedServer | undefined;
    try {
      server = await startMemoryServer({ dataDir, projectRoot, log: () => undefined });
    } catch (error) {
      expect(error).toBeInstanceOf(RungUnavailableError);
      const { kind, reason } = error as RungUnavailableError;
      expect(kind).toBe('mongodb-memory-server');
      expect(reason).toMatch(/^could not start a mongod: /);
      expect(reason).not.toContain('\n');
      console.log(`mongodb-memory-server unavailable here, as expected offline: ${reason}`);
      return;
    }
    // A machine with internet (or a cached mongod) gets a real server: check it keeps data.
    started.push(server);
    await writeNote(server.uri, 'rungs', 'kept by memory server');
    await server.stop();
    const again = await startMemoryServer({ dataDir, projectRoot, log: () => undefined });
    started.push(again);
    expect(await readNotes(again.uri, 'rungs')).toEqual(['kept by memory server']);
    await again.stop();
  });
});
