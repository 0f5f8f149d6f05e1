import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RungUnavailableError, reasonOf, type EmbeddedOptions, type StartedServer } from './types';

/**
 * Rung 3: mongodb-memory-server, which downloads a mongod on first use. It is
 * a devDependency, so it is loaded lazily and its absence is just a reason.
 * wiredTiger plus a dbPath of our own (never cleaned on stop) keeps the data.
 */
export async function startMemoryServer(options: EmbeddedOptions): Promise<StartedServer> {
  let mms: typeof import('mongodb-memory-server-core');
  try {
    mms = await import('mongodb-memory-server-core');
  } catch (error) {
    throw new RungUnavailableError('mongodb-memory-server', `mongodb-memory-server-core is not installed (${reasonOf(error)})`);
  }

  const dbPath = join(resolve(options.dataDir), 'mongodb-memory-server');
  mkdirSync(dbPath, { recursive: true });
  const server = new mms.MongoMemoryServer({
    instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1', launchTimeout: 60_000 },
  });
  try {
    await server.start();
  } catch (error) {
    await server.stop({ doCleanup: true, force: false }).catch(() => undefined);
    throw new RungUnavailableError('mongodb-memory-server', `could not start a mongod: ${reasonOf(error)}`);
  }

  const info = server.instanceInfo;
  const pid = info?.instance.mongodProcess?.pid;
  if (!info || pid === undefined) {
    await server.stop({ doCleanup: true, force: false }).catch(() => undefined);
    throw new RungUnavailableError('mongodb-memory-server', 'started, but reported no mongod process');
  }
  // mongodb-memory-server's own watchdog covers a hard crash; this covers process.exit().
  const killOnExit = () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);

  return {
    kind: 'mongodb-memory-server',
    uri: `mongodb://127.0.0.1:${info.port}/`,
    owned: true,
    childPid: pid,
    details: `mongod via mongodb-memory-server, data in ${dbPath}`,
    stop: async () => {
      process.off('exit', killOnExit);
      // doCleanup removes only mongodb-memory-server's temp dirs; force would delete our dbPath.
      await server.stop({ doCleanup: true, force: false });
    },
  };
}
