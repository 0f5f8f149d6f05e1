import { ConfigError, loadConfig } from './config';
import { startServer } from './server';

const log = (line: string) => console.log(`[shixun] ${line}`);

async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startServer(config, log);
  log(`listening on ${running.url} (public URL ${config.baseUrl})`);
  if (config.devLoginEnabled) log(`development sign-in: ${config.baseUrl}/dev/login`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    running.server.closeAllConnections();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
