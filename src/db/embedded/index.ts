export type { EmbeddedKind, EmbeddedOptions, EmbeddedServer, StartedServer } from './types';
export { NoEmbeddedServerError, RungUnavailableError, RUNG_ORDER } from './types';
export { provideEmbeddedServer } from './provide';
export { stopOnSignals, type StopOnSignalsOptions } from './signals';
export { startMongod } from './mongod';
export { startFerretDb, ferretDbArgs } from './ferretdb';
export { FERRETDB_VERSION, ferretDbBinaryPath, ensureFerretDbBinary } from './ferretdb-binary';
export { startMemoryServer } from './memory-server';
export { LOCK_FILE, URI_FILE, lockPath, uriPath, readLock, type LockRecord } from './lock';
