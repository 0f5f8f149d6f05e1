import { createServer } from 'node:net';

/**
 * Asks the kernel for a free loopback port. The port is released before the
 * server binds it, so a race is possible; spawn-server retries on "address in use".
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : undefined;
      probe.close(() => (port ? resolve(port) : reject(new Error('could not read the probed port'))));
    });
  });
}
