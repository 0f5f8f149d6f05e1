/**
 * Child process for the no-orphan tests: provides an embedded server on the
 * data directory given as argv[2], writes a note, prints one JSON line, then:
 *   signals — installs stopOnSignals and waits (the test sends SIGTERM);
 *   exit    — calls process.exit(0) without stopping (the exit hook must);
 *   hang    — waits with no handlers (the test sends SIGKILL).
 */
import { provideEmbeddedServer, readLock, stopOnSignals } from '../../src/db/embedded';
import { projectRoot, writeNote } from './embedded-helpers';

async function main() {
  const [dataDir, mode] = process.argv.slice(2);
  if (!dataDir || !mode) throw new Error('usage: embedded-child.fixture.ts DATA_DIR signals|exit|hang');
  const server = await provideEmbeddedServer({
    dataDir,
    projectRoot,
    log: (line) => process.stderr.write(`[fixture] ${line}\n`),
  });
  if (mode === 'signals') stopOnSignals(server, { log: (line) => process.stderr.write(`[fixture] ${line}\n`) });
  await writeNote(server.uri, 'fixture', `written by pid ${process.pid}`);
  const lock = await readLock(dataDir);
  process.stdout.write(
    JSON.stringify({ kind: server.kind, uri: server.uri, owned: server.owned, childPid: lock?.childPid }) + '\n',
  );
  if (mode === 'exit') process.exit(0);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`[fixture] ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
