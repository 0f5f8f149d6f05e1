/** Every error the ledger throws on purpose; callers tell them apart with `instanceof`. */
export class LedgerError extends Error {
  override name = 'LedgerError';
}

/** The input was not a valid entry; `problems` lists every problem found, as `path: message`. */
export class LedgerInputError extends LedgerError {
  override name = 'LedgerInputError';
  constructor(readonly problems: string[]) {
    super(`invalid ledger input: ${problems.join('; ')}`);
  }
}

export class LedgerEntryNotFoundError extends LedgerError {
  override name = 'LedgerEntryNotFoundError';
  constructor(readonly entryId: string) {
    super(`no ledger entry ${entryId}`);
  }
}

/** A request the ledger understands but will not carry out (e.g. reversing a reversal). */
export class LedgerRefusedError extends LedgerError {
  override name = 'LedgerRefusedError';
}

/** An idempotency key that already names an entry for a different teacher, category or hours. */
export class LedgerConflictError extends LedgerError {
  override name = 'LedgerConflictError';
}

/** Too many concurrent appends for one teacher: every retry lost the race for the next sequence. */
export class LedgerContentionError extends LedgerError {
  override name = 'LedgerContentionError';
}

/** An update, replace or delete of a ledger entry, refused by the model layer. */
export class LedgerAppendOnlyError extends LedgerError {
  override name = 'LedgerAppendOnlyError';
}
