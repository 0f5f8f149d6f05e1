export type EmbeddedKind = 'mongod' | 'ferretdb' | 'mongodb-memory-server';

/** Rungs are tried in this order; the first one that answers a ping wins. */
export const RUNG_ORDER: readonly EmbeddedKind[] = ['mongod', 'ferretdb', 'mongodb-memory-server'];

export interface EmbeddedServer {
  kind: EmbeddedKind;
  /** Base URI without a database name, e.g. `mongodb://127.0.0.1:PORT/`. */
  uri: string;
  /** true when this process started it */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  projectRoot: string;
  log: (line: string) => void;
}

/** What a rung starter hands back: always owned, with the pid the lock records. */
export interface StartedServer extends EmbeddedServer {
  owned: true;
  childPid: number;
  /** Human detail for the single "which rung was chosen" log line. */
  details: string;
  /** Settles with a reason if the server dies without stop() being called. */
  unexpectedExit?: Promise<string>;
}

/** One rung could not provide a server; `reason` is meant for the user. */
export class RungUnavailableError extends Error {
  constructor(
    readonly kind: EmbeddedKind,
    readonly reason: string,
  ) {
    super(`${kind}: ${reason}`);
    this.name = 'RungUnavailableError';
  }
}

/** No rung worked: the message tells the user how to bring their own MongoDB. */
export class NoEmbeddedServerError extends Error {
  constructor(
    readonly dataDir: string,
    readonly reasons: Readonly<Record<EmbeddedKind, string>>,
  ) {
    super(
      [
        `Could not start an embedded MongoDB-compatible server for data directory ${dataDir}:`,
        ...RUNG_ORDER.map((kind) => `  - ${kind}: ${reasons[kind]}`),
        'Set MONGODB_URI to a MongoDB server you run yourself, e.g.',
        '  MONGODB_URI=mongodb://127.0.0.1:27017/shixun npm start',
      ].join('\n'),
    );
    this.name = 'NoEmbeddedServerError';
  }
}

/** Turns anything thrown by a rung into a one-line reason. */
export function reasonOf(error: unknown): string {
  if (error instanceof RungUnavailableError) return error.reason;
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}
