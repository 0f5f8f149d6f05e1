import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config';

/**
 * Production must bring its own secrets. Elsewhere a random one is generated once and kept in the
 * data directory, so sessions and sealed secrets survive restarts without anyone inventing one.
 */
function generatedSecret(config: Config, fileName: string): string {
  const file = path.join(config.dataDir, fileName);
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
  } catch {
    // Not created yet.
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function resolveSessionSecret(config: Config): string {
  return config.sessionSecret ?? generatedSecret(config, 'session-secret');
}

/** Seals private keys and LTI secrets in the database; losing it makes them unreadable. */
export function resolveEncryptionKey(config: Config): string {
  return config.encryptionKey ?? generatedSecret(config, 'encryption-key');
}
