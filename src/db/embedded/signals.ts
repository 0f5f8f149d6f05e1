import type { EmbeddedServer } from './types';

export interface StopOnSignalsOptions {
  signals?: NodeJS.Signals[];
  log?: (line: string) => void;
}

/**
 * Opt-in: stops an owned embedded server on SIGINT/SIGTERM. Opt-in because a
 * signal listener replaces Node's default "exit on SIGTERM", which an app with
 * its own graceful shutdown may want to own (it then calls server.stop()).
 *
 * After stopping, the signal is raised again if nobody else listens for it, so
 * the process ends exactly as it would have without this helper.
 * Returns a function that removes the handlers.
 */
export function stopOnSignals(server: EmbeddedServer, options: StopOnSignalsOptions = {}): () => void {
  if (!server.owned) return () => undefined;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];

  const uninstall = () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals) {
    uninstall();
    options.log?.(`embedded MongoDB: ${signal} received, stopping ${server.kind}`);
    server
      .stop()
      .catch((error: unknown) => options.log?.(`embedded MongoDB: stopping ${server.kind} failed: ${String(error)}`))
      .finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
  }
  for (const signal of signals) process.on(signal, onSignal);
  return uninstall;
}
