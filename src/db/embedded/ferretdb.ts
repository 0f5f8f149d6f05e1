import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureFerretDbBinary, FERRETDB_VERSION } from './ferretdb-binary';
import { spawnServer } from './spawn-server';
import { RungUnavailableError, type EmbeddedOptions, type StartedServer } from './types';

/**
 * The flags we run FerretDB with. `--debug-addr=-` turns off its debug HTTP
 * listener (default 127.0.0.1:8088), which would otherwise stop a second
 * instance from starting. WARN would log every client's `endSessions` (which
 * FerretDB does not implement) as a multi-line warning, hence ERROR.
 */
export function ferretDbArgs(ferretDir: string, port: number): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${join(ferretDir, 'sqlite')}/`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${ferretDir}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=ERROR',
  ];
}

/** Rung 2: FerretDB with its SQLite backend, data in DATA_DIR/ferretdb/sqlite. */
export async function startFerretDb(options: EmbeddedOptions): Promise<StartedServer> {
  const binary = await ensureFerretDbBinary(options.projectRoot, options.log);
  const ferretDir = join(resolve(options.dataDir), 'ferretdb');
  mkdirSync(join(ferretDir, 'sqlite'), { recursive: true });
  try {
    const server = await spawnServer({
      label: 'FerretDB',
      command: binary,
      args: (port) => ferretDbArgs(ferretDir, port),
      logFile: join(ferretDir, 'ferretdb.log'),
    });
    return {
      kind: 'ferretdb',
      uri: server.uri,
      owned: true,
      childPid: server.pid,
      details: `FerretDB ${FERRETDB_VERSION} + SQLite, data in ${join(ferretDir, 'sqlite')}`,
      unexpectedExit: server.unexpectedExit,
      stop: server.stop,
    };
  } catch (error) {
    throw new RungUnavailableError('ferretdb', `${binary} did not start: ${(error as Error).message}`);
  }
}
