import mongoose from 'mongoose';

const { MongoClient } = mongoose.mongo;

/** One connect + `ping`; false on any failure. Never throws. */
export async function pingOnce(uri: string, timeoutMs = 1000): Promise<boolean> {
  const client = new MongoClient(uri, {
    directConnection: true,
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs * 2,
  });
  try {
    await client.connect();
    const reply = await client.db('admin').command({ ping: 1 });
    return reply.ok === 1;
  } catch {
    return false;
  } finally {
    await client.close(true).catch(() => undefined);
  }
}

export interface WaitReadyOptions {
  timeoutMs: number;
  /** Returns a reason once waiting is pointless (e.g. the server process exited). */
  gaveUp?: () => string | undefined;
}

/**
 * Readiness is "a client can ping it", not "the process is up" or "the port is
 * open": FerretDB and mongod accept TCP before they can serve commands.
 */
export async function waitUntilReady(uri: string, options: WaitReadyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const stopReason = options.gaveUp?.();
    if (stopReason) throw new Error(stopReason);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no answer to ping at ${uri} within ${Math.round(options.timeoutMs / 1000)} s`);
    if (await pingOnce(uri, Math.max(200, Math.min(1000, left)))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
