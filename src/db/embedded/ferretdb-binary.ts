import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findExecutable, isExecutableFile } from './find-executable';
import { RungUnavailableError } from './types';

/** Pinned because the Go module proxy here refuses v1.24.1. Keep in step with scripts/build-ferretdb.sh. */
export const FERRETDB_VERSION = 'v1.24.0';

const BUILD_TIMEOUT_MS = 10 * 60_000;

export function ferretDbBinaryPath(projectRoot: string): string {
  return join(resolve(projectRoot), '.cache', 'bin', 'ferretdb');
}

/**
 * Returns the project's FerretDB binary, building it once with
 * scripts/build-ferretdb.sh when it is missing and Go is available.
 */
export async function ensureFerretDbBinary(projectRoot: string, log: (line: string) => void): Promise<string> {
  const binary = ferretDbBinaryPath(projectRoot);
  if (isExecutableFile(binary)) return binary;

  const script = join(resolve(projectRoot), 'scripts', 'build-ferretdb.sh');
  if (!findExecutable('go')) {
    throw new RungUnavailableError(
      'ferretdb',
      `no FerretDB binary at ${binary} and Go is not on PATH to build it (install Go, then run: npm run db:build-ferretdb)`,
    );
  }
  if (!existsSync(script)) {
    throw new RungUnavailableError('ferretdb', `no FerretDB binary at ${binary} and no build script at ${script}`);
  }

  log(`building FerretDB ${FERRETDB_VERSION} once into .cache/bin (about a minute)…`);
  const { code, output } = await runScript(script, resolve(projectRoot));
  if (code !== 0 || !isExecutableFile(binary)) {
    const lastLines = output.trim().split('\n').slice(-6).join(' | ');
    throw new RungUnavailableError('ferretdb', `scripts/build-ferretdb.sh failed (${code}): ${lastLines}`);
  }
  return binary;
}

function runScript(script: string, cwd: string): Promise<{ code: number | string; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn('bash', [script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      // Only the tail matters for the error message; don't grow without bound.
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ code: error.message, output });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? `killed by ${signal}`, output });
    });
  });
}
