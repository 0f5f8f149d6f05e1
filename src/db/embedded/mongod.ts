import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findExecutable } from './find-executable';
import { spawnServer } from './spawn-server';
import { RungUnavailableError, type EmbeddedOptions, type StartedServer } from './types';

/** Rung 1: a real mongod from PATH, with its data in DATA_DIR/mongod. */
export async function startMongod(options: EmbeddedOptions): Promise<StartedServer> {
  const binary = findExecutable('mongod');
  if (!binary) throw new RungUnavailableError('mongod', 'no mongod on PATH');

  const dbPath = join(resolve(options.dataDir), 'mongod');
  mkdirSync(dbPath, { recursive: true });
  try {
    const server = await spawnServer({
      label: 'mongod',
      command: binary,
      args: (port) => ['--dbpath', dbPath, '--port', String(port), '--bind_ip', '127.0.0.1'],
      logFile: join(dbPath, 'mongod.log'),
      readyTimeoutMs: 60_000,
    });
    return {
      kind: 'mongod',
      uri: server.uri,
      owned: true,
      childPid: server.pid,
      details: `${binary}, data in ${dbPath}`,
      unexpectedExit: server.unexpectedExit,
      stop: server.stop,
    };
  } catch (error) {
    throw new RungUnavailableError('mongod', `${binary} did not start: ${(error as Error).message}`);
  }
}
