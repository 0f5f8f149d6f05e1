import type { Completion } from './store';

export type CompletionListener = (completion: Completion) => Promise<void>;

const listeners: { name: string; listener: CompletionListener }[] = [];

/**
 * The seam later steps plug into (ledger entry, certificate, LMS grade passback). A listener runs
 * once per new completion, after it is stored; it must itself be idempotent (keyed on the
 * completion's id), because after a crash it may be handed the same completion again by a
 * catch-up run over `listCompletionsSince`.
 */
export function onCompletion(name: string, listener: CompletionListener): () => void {
  const entry = { name, listener };
  listeners.push(entry);
  return () => {
    const index = listeners.indexOf(entry);
    if (index >= 0) listeners.splice(index, 1);
  };
}

/** One failing listener neither blocks the others nor undoes the completion. */
export async function publishCompletion(completion: Completion, log: (line: string) => void): Promise<void> {
  for (const { name, listener } of [...listeners]) {
    try {
      await listener(completion);
    } catch (error) {
      log(`completion listener "${name}" failed for ${completion.idempotencyKey}: ${(error as Error).message}`);
    }
  }
}
