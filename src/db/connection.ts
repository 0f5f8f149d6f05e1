import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config';
import { provideEmbeddedServer, type EmbeddedServer } from './embedded';

export interface Database {
  /** Where the connection came from, for the one start-up log line. */
  source: string;
  /** The server's address without credentials, safe to log. */
  displayUri: string;
  close(): Promise<void>;
}

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * MONGODB_URI when set; otherwise the embedded server of this data directory (reused when
 * another process of ours already runs it, started otherwise).
 */
export async function openDatabase(config: Config, log: (line: string) => void): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let uri = config.mongodbUri;
  let source = 'MONGODB_URI';
  if (!uri) {
    embedded = await provideEmbeddedServer({ dataDir: config.dataDir, projectRoot: PROJECT_ROOT, log });
    uri = embedded.uri;
    source = `embedded ${embedded.kind}${embedded.owned ? '' : ' (already running on this data directory)'}`;
  }
  try {
    await mongoose.connect(uri, { dbName: config.mongodbDb, serverSelectionTimeoutMS: 15_000 });
    await ensureIndexes();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    source,
    displayUri: redactCredentials(uri),
    async close() {
      await mongoose.disconnect();
      await embedded?.stop();
    },
  };
}

/** Unique indexes carry idempotency, so they must exist before the first write, not eventually. */
export async function ensureIndexes(): Promise<void> {
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
}

export async function isDatabaseUp(timeoutMs = 2_000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected || !db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), timeoutMs);
    });
    await Promise.race([db.admin().ping(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function redactCredentials(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}
