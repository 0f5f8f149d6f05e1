import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startFerretDb } from './ferretdb';
import { claimDataDir, uriPath, type OwnedLock } from './lock';
import { startMemoryServer } from './memory-server';
import { startMongod } from './mongod';
import {
  NoEmbeddedServerError,
  reasonOf,
  RUNG_ORDER,
  type EmbeddedKind,
  type EmbeddedOptions,
  type EmbeddedServer,
  type StartedServer,
} from './types';

const STARTERS: Record<EmbeddedKind, (options: EmbeddedOptions) => Promise<StartedServer>> = {
  mongod: startMongod,
  ferretdb: startFerretDb,
  'mongodb-memory-server': startMemoryServer,
};

/** Reuse a server already running on dataDir, else start one (rungs in order). */
export async function provideEmbeddedServer(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const opts: EmbeddedOptions = { ...options, dataDir };

  const claim = await claimDataDir(dataDir, { log: opts.log });
  if (claim.type === 'reuse') {
    const { kind, uri, ownerPid } = claim.record;
    opts.log(`embedded MongoDB: reusing ${kind} at ${uri} started by pid ${ownerPid} (uri in ${uriPath(dataDir)})`);
    // Not ours to stop: its owner stops it, and removes the lock, when it exits.
    return { kind, uri, owned: false, stop: async () => undefined };
  }
  return startOwned(opts, claim.lock);
}

async function startOwned(opts: EmbeddedOptions, lock: OwnedLock): Promise<EmbeddedServer> {
  // Registered before anything starts, so even process.exit() mid-start leaves no lock behind.
  const releaseOnExit = () => lock.releaseSync();
  process.on('exit', releaseOnExit);

  let server: StartedServer | undefined;
  const reasons: Partial<Record<EmbeddedKind, string>> = {};
  try {
    for (const kind of RUNG_ORDER) {
      try {
        server = await STARTERS[kind](opts);
        break;
      } catch (error) {
        reasons[kind] = reasonOf(error);
      }
    }
    if (!server) {
      throw new NoEmbeddedServerError(opts.dataDir, reasons as Record<EmbeddedKind, string>);
    }
    await lock.publish({ kind: server.kind, uri: server.uri, childPid: server.childPid });
  } catch (error) {
    await server?.stop().catch(() => undefined);
    process.off('exit', releaseOnExit);
    await lock.release();
    throw error;
  }

  const skipped = Object.entries(reasons).map(([kind, reason]) => `${kind}: ${reason}`);
  opts.log(
    `embedded MongoDB: ${server.kind} at ${server.uri} (${server.details}; pid ${server.childPid}; uri in ${uriPath(opts.dataDir)})` +
      (skipped.length ? ` — skipped ${skipped.join('; ')}` : ''),
  );

  const started = server;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await started.stop();
      } finally {
        process.off('exit', releaseOnExit);
        await lock.release();
      }
    })());

  void started.unexpectedExit?.then((why) => {
    if (stopping) return;
    opts.log(`embedded MongoDB: ${started.kind} (pid ${started.childPid}) stopped unexpectedly: ${why}`);
    process.off('exit', releaseOnExit);
    void lock.release();
  });

  return { kind: started.kind, uri: started.uri, owned: true, stop };
}
