import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { provideEmbeddedServer, type EmbeddedServer } from '../../src/db/embedded';

declare global {
  var shixunTestServer: { server: EmbeddedServer; dataDir: string } | undefined;
}

/**
 * One real database server for the whole run: MONGODB_URI when given (CI with a real mongod),
 * otherwise the same embedded server `npm start` would use, on a throw-away data directory.
 * Every test file then works in a database of its own on it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.SHIXUN_TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shixun-test-db-'));
  const server = await provideEmbeddedServer({
    dataDir,
    projectRoot: path.resolve(__dirname, '..', '..'),
    log: (line) => process.stderr.write(`[test db] ${line}\n`),
  });
  globalThis.shixunTestServer = { server, dataDir };
  process.env.SHIXUN_TEST_MONGODB_URI = server.uri;
}
