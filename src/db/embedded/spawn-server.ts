import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { findFreePort } from './free-port';
import { waitUntilReady } from './wait-ready';

export interface ServerSpec {
  /** Names the server in messages, e.g. "FerretDB". */
  label: string;
  command: string;
  args: (port: number) => string[];
  /** Server output goes here rather than to a pipe, so the child never depends on us to drain it. */
  logFile: string;
  readyTimeoutMs?: number;
  /** Retries with a new port when the freshly probed one was taken in between. */
  attempts?: number;
}

export interface SpawnedServer {
  pid: number;
  port: number;
  uri: string;
  /** Settles (with a reason) only if the server exits without stop() being called. */
  unexpectedExit: Promise<string>;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;

export async function spawnServer(spec: ServerSpec): Promise<SpawnedServer> {
  const attempts = spec.attempts ?? 3;
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = await findFreePort();
    try {
      return await spawnOnce(spec, port);
    } catch (error) {
      lastError = error as Error;
      if (!/address already in use|EADDRINUSE/i.test(lastError.message)) break;
    }
  }
  throw lastError ?? new Error(`${spec.label} did not start`);
}

async function spawnOnce(spec: ServerSpec, port: number): Promise<SpawnedServer> {
  const uri = `mongodb://127.0.0.1:${port}/`;
  const logOffset = fileSize(spec.logFile);
  const logFd = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    // Not detached: a Ctrl-C in the terminal reaches the server too, so even a
    // caller without signal handlers leaves no orphan behind.
    child = spawn(spec.command, spec.args(port), { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  let exitNote: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      exitNote = `could not run ${spec.command}: ${error.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitNote ??= `${spec.label} exited ${signal ? `on ${signal}` : `with code ${code}`}`;
      resolve();
    });
  });
  // The exit hook below stops the child when we exit; it must not keep us alive.
  child.unref();
  const killOnExit = () => {
    if (exitNote === undefined) child.kill('SIGTERM');
  };
  process.on('exit', killOnExit);

  let stopping = false;
  const unexpectedExit = exited.then(() => (stopping ? new Promise<string>(() => undefined) : exitNote ?? 'exited'));

  const stop = async () => {
    stopping = true;
    process.off('exit', killOnExit);
    if (exitNote !== undefined) return;
    // Keep the event loop alive until the child is really gone, or a caller
    // awaiting stop() at the end of a script would exit with cleanup half done.
    child.ref();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilReady(uri, {
      timeoutMs: spec.readyTimeoutMs ?? 30_000,
      gaveUp: () => exitNote,
    });
  } catch (error) {
    await stop();
    const tail = logTail(spec.logFile, logOffset);
    throw new Error(`${(error as Error).message}${tail ? `; last output: ${tail}` : ''} (log: ${spec.logFile})`);
  }
  if (child.pid === undefined) throw new Error(`${spec.label} has no pid`);
  return { pid: child.pid, port, uri, unexpectedExit, stop };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The last few lines this run wrote, squeezed onto one line for an error reason. */
function logTail(file: string, fromOffset: number, maxChars = 600): string {
  try {
    const text = readFileSync(file).subarray(fromOffset).toString('utf8').trim();
    const squeezed = text.split('\n').slice(-8).join(' | ').replace(/\s+/g, ' ');
    return squeezed.length > maxChars ? `…${squeezed.slice(-maxChars)}` : squeezed;
  } catch {
    return '';
  }
}
