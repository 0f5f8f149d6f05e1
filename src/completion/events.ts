import type { Completion } from './store';

export type CompletionListener = (completion: Completion) => Promise<void>;

const listeners = new Map<string, { listener: CompletionListener; unsubscribe: () => void }>();

/**
 * The seam later steps plug into (ledger entry, certificate, LMS grade passback). A listener runs
 * once per new completion, after it is stored; it must itself be idempotent (keyed on the
 * completion's id), because after a crash it may be handed the same completion again by a
 * catch-up run over `listCompletionsSince`.
 *
 * One listener per name, in the order first registered: registering a name again (a second app in
 * the same process, a test) keeps the first and returns its unsubscribe.
 */
export function onCompletion(name: string, listener: CompletionListener): () => void {
  const existing = listeners.get(name);
  if (existing) return existing.unsubscribe;
  const entry = { listener, unsubscribe: () => void (listeners.get(name) === entry && listeners.delete(name)) };
  listeners.set(name, entry);
  return entry.unsubscribe;
}

/** One failing listener neither blocks the others nor undoes the completion. */
export async function publishCompletion(completion: Completion, log: (line: string) => void): Promise<void> {
  for (const [name, { listener }] of [...listeners]) {
    try {
      await listener(completion);
    } catch (error) {
      log(`completion listener "${name}" failed for ${completion.idempotencyKey}: ${(error as Error).message}`);
    }
  }
}
