import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureFerretDbBinary,
  lockPath,
  provideEmbeddedServer,
  readLock,
  uriPath,
  type EmbeddedServer,
} from '../../src/db/embedded';
import {
  collectLog,
  FIRST_START_TIMEOUT_MS,
  makeTempDir,
  pidAlive,
  projectRoot,
  readNotes,
  startFixture,
  waitFor,
} from './embedded-helpers';

const started: EmbeddedServer[] = [];
const leftovers: number[] = [];
const temp = makeTempDir('orphan');

beforeAll(async () => {
  await ensureFerretDbBinary(projectRoot, (line) => console.log(line));
}, FIRST_START_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  for (const pid of leftovers) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  temp.remove();
});

describe('no orphan server', () => {
  it('SIGTERM to a process using stopOnSignals stops its FerretDB and removes lock and uri files', async () => {
    const dataDir = join(temp.dir, 'sigterm');
    const fixture = await startFixture(dataDir, 'signals');
    const { childPid } = fixture.info;
    leftovers.push(childPid);
    expect(fixture.info).toMatchObject({ kind: 'ferretdb', owned: true });
    expect(pidAlive(childPid)).toBe(true);

    fixture.child.kill('SIGTERM');
    const exit = await fixture.exited;
    // The helper re-raises the signal once the server is stopped, so it dies "by SIGTERM" as usual.
    expect(exit.signal).toBe('SIGTERM');
    expect(fixture.stderr()).toContain('SIGTERM received, stopping ferretdb');
    expect(await waitFor(() => !pidAlive(childPid), 5000)).toBe(true);
    expect(existsSync(lockPath(dataDir))).toBe(false);
    expect(existsSync(uriPath(dataDir))).toBe(false);
  });

  it('process.exit() without stop() still stops the server (exit hook)', async () => {
    const dataDir = join(temp.dir, 'exit');
    const fixture = await startFixture(dataDir, 'exit');
    const { childPid } = fixture.info;
    leftovers.push(childPid);
    expect((await fixture.exited).code).toBe(0);
    expect(await waitFor(() => !pidAlive(childPid), 5000)).toBe(true);
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it('after a SIGKILL of the owner, the next start kills the leftover server and reuses its data', async () => {
    const dataDir = join(temp.dir, 'sigkill');
    const fixture = await startFixture(dataDir, 'hang');
    const { childPid } = fixture.info;
    leftovers.push(childPid);

    fixture.child.kill('SIGKILL');
    await fixture.exited;
    // Nothing could clean up: the server outlives its owner and the lock stays.
    expect(pidAlive(childPid)).toBe(true);
    expect(await readLock(dataDir)).toMatchObject({ ownerPid: fixture.child.pid, childPid });

    const { log, lines } = collectLog();
    const server = await provideEmbeddedServer({ dataDir, projectRoot, log });
    started.push(server);
    expect(server.owned).toBe(true);
    expect(lines.join('\n')).toContain(
      `removed stale embedded.lock left by pid ${fixture.child.pid}, which is no longer running; stopped its leftover ferretdb (pid ${childPid})`,
    );
    expect(pidAlive(childPid)).toBe(false);
    expect(await readLock(dataDir)).toMatchObject({ ownerPid: process.pid, uri: server.uri });
    expect(await readNotes(server.uri, 'fixture')).toEqual([`written by pid ${fixture.child.pid}`]);
    await server.stop();
  });
});
