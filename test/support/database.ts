import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { ensureIndexes } from '../../src/db';

/**
 * Connects mongoose to a database of this test file's own on the run's real server, and drops it
 * afterwards. Call at the top of a describe block or file.
 */
export function useTestDatabase(): { uri: () => string; dbName: string } {
  const uri = process.env.SHIXUN_TEST_MONGODB_URI;
  if (!uri) throw new Error('SHIXUN_TEST_MONGODB_URI is not set: run tests through jest (globalSetup provides it)');
  const testFile = expect.getState().testPath ?? 'unknown';
  const dbName = `test_${createHash('sha1').update(testFile).digest('hex').slice(0, 12)}`;

  beforeAll(async () => {
    await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 15_000 });
    await mongoose.connection.dropDatabase();
    await ensureIndexes();
  });
  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await mongoose.disconnect();
  });
  return { uri: () => uri, dbName };
}
