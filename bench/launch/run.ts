/**
 * Launch benchmark: in one run on the same machine and database server, side by side,
 *   - a bare express route (the floor),
 *   - an LTI 1.1 launch signed with oauth-1.0a: validation (signature, nonce, timestamp) + session,
 *   - an LTI 1.3 id_token launch from the in-process test platform: validation (JWKS, claims,
 *     state, nonce) + session,
 *   - the same LTI 1.3 launch against ltijs 5.9.x (bench/launch/ltijs, its own express 4 and
 *     mongoose 7), when it is installed there;
 * over real HTTP on 127.0.0.1, and prints throughput, p50 and p99 of each and their ratios.
 *
 *   npx tsx bench/launch/run.ts [--launches 500] [--concurrency 4] [--warmup 20] [--no-peer]
 *
 * The database is MONGODB_URI (databases bench_launch_<pid> and bench_launch_ltijs_<pid>, dropped
 * after), else an embedded server on a temporary DATA_DIR, stopped at the end. See README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import express from 'express';
import mongoose from 'mongoose';
import OAuth from 'oauth-1.0a';
import { ensureIndexes } from '../../src/db';
import { provideEmbeddedServer, type EmbeddedServer } from '../../src/db/embedded';
import { createKeyring, createSecretBox } from '../../src/keys';
import { findProfile, loadPolicyProfiles } from '../../src/ledger/policies';
import { createConsumer } from '../../src/lti/v11';
import { addPlatform } from '../../src/lti/v13';
import { createApp } from '../../src/web';
import { startTestPlatform, type TestPlatform } from '../../test/support/lti-platform';

const ROOT = path.resolve(__dirname, '..', '..');
const PEER_DIR = path.join(__dirname, 'ltijs');
const CONSUMER = { key: 'bench-moodle', secret: 'bench-shared-secret-0123456789' };
/** Launches are prepared (signed, logged in) in chunks this many times the concurrency, then timed. */
const CHUNK_FACTOR = 10;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Measuring

interface Result {
  name: string;
  count: number;
  errors: number;
  firstError?: string;
  wallMs: number;
  latencies: number[];
  /** p50 of each timed chunk, in order: a rising series means each launch costs more as the collections grow. */
  chunkMedians: number[];
}

/** Runs `op` over `inputs` with `concurrency` requests in flight; the latency of each, and the wall time. */
async function timed<T>(inputs: readonly T[], concurrency: number, op: (input: T) => Promise<void>): Promise<{ wallMs: number; latencies: number[]; errors: string[] }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, inputs.length) }, async () => {
      while (next < inputs.length) {
        const input = inputs[next++]!;
        const begin = performance.now();
        try {
          await op(input);
          latencies.push(performance.now() - begin);
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
    }),
  );
  return { wallMs: performance.now() - started, latencies, errors };
}

/** Prepares and times `count` launches chunk by chunk, so no prepared launch goes stale while it waits. */
async function scenario<T>(name: string, options: { count: number; warmup: number; concurrency: number }, prepare: (n: number) => Promise<T[]>, op: (input: T) => Promise<void>): Promise<Result> {
  const warm = await timed(await prepare(options.warmup), options.concurrency, op);
  if (warm.errors.length) throw new Error(`${name}: warm-up failed: ${warm.errors[0]}`);
  const result: Result = { name, count: 0, errors: 0, wallMs: 0, latencies: [], chunkMedians: [] };
  const chunk = options.concurrency * CHUNK_FACTOR;
  for (let done = 0; done < options.count; done += chunk) {
    const run = await timed(await prepare(Math.min(chunk, options.count - done)), options.concurrency, op);
    result.wallMs += run.wallMs;
    result.latencies.push(...run.latencies);
    result.chunkMedians.push(percentile([...run.latencies].sort((a, b) => a - b), 50));
    result.count += run.latencies.length + run.errors.length;
    result.errors += run.errors.length;
    result.firstError ??= run.errors[0];
  }
  log(`${name}: ${result.count} in ${(result.wallMs / 1000).toFixed(1)} s${result.errors ? `, ${result.errors} errors (first: ${result.firstError})` : ''}`);
  return result;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const throughput = (result: Result) => ((result.count - result.errors) / result.wallMs) * 1000;
const p99 = (result: Result) => percentile([...result.latencies].sort((a, b) => a - b), 99);

function report(results: Result[], concurrency: number): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`\nlaunch benchmark — ${cpus().length} cores, load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}, concurrency ${concurrency}`);
  out(`${'scenario'.padEnd(34)}${'n'.padStart(6)}${'errors'.padStart(8)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}  p50 first → last chunk`);
  for (const result of results) {
    const sorted = [...result.latencies].sort((a, b) => a - b);
    out(`${result.name.padEnd(34)}${String(result.count).padStart(6)}${String(result.errors).padStart(8)}${throughput(result).toFixed(1).padStart(9)}${percentile(sorted, 50).toFixed(1).padStart(9)}${percentile(sorted, 99).toFixed(1).padStart(9)}  ${result.chunkMedians[0]!.toFixed(0)} → ${result.chunkMedians.at(-1)!.toFixed(0)}`);
  }
  const byName = new Map(results.map((result) => [result.name, result]));
  const ratio = (a: string, b: string) => {
    const x = byName.get(a);
    const y = byName.get(b);
    if (!x || !y) return;
    out(`${a} vs ${b}: throughput ×${(throughput(x) / throughput(y)).toFixed(2)}, p99 ×${(p99(x) / p99(y)).toFixed(2)}`);
  };
  ratio('lti11 launch + session', 'bare express route');
  ratio('lti13 launch + session', 'bare express route');
  ratio('lti13 launch + session', 'lti11 launch + session');
  ratio('lti13 launch + session', 'ltijs 5.9 lti13 launch');
}

// ---------------------------------------------------------------------------------------------
// HTTP as a browser does it: one cookie jar per browser, no redirects followed.

type Jar = Map<string, string>;

function remember(jar: Jar, response: Response): void {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const at = pair!.indexOf('=');
    if (at > 0) jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
  }
}

const cookieHeader = (jar: Jar) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

async function postForm(url: string, form: Record<string, string>, jar: Jar = new Map()): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(jar.size ? { cookie: cookieHeader(jar) } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  remember(jar, response);
  return response;
}

async function expectRedirect(response: Response, jar: Jar, sessionCookie: RegExp): Promise<void> {
  if (response.status !== 302 && response.status !== 303) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  await response.arrayBuffer();
  if (![...jar.keys()].some((name) => sessionCookie.test(name))) throw new Error(`no session cookie after the launch (${[...jar.keys()].join(', ')})`);
}

// ---------------------------------------------------------------------------------------------
// The three kinds of request

function signedLti11Launch(launchUrl: string, n: number): Record<string, string> {
  const oauth = new OAuth({
    consumer: CONSUMER,
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  const params = {
    lti_message_type: 'basic-lti-launch-request',
    lti_version: 'LTI-1p0',
    resource_link_id: `rl-${n % 20}`,
    user_id: `bench-user-${n % 200}`,
    roles: 'Learner',
    lis_person_name_full: `教师 ${n % 200}`,
    context_id: 'bench-course',
    custom_module: 'bench-module',
  };
  Object.assign(oauth, { getNonce: () => randomBytes(16).toString('hex') });
  const signed = oauth.authorize({ url: launchUrl, method: 'POST', data: params }) as unknown as Record<string, string>;
  return { ...params, ...Object.fromEntries(Object.entries(signed).filter(([name]) => name.startsWith('oauth_'))) };
}

/** Login initiation → the tool's redirect to the platform → the platform's signed answer: what the browser posts to the launch URL. */
async function loggedInForm(platform: TestPlatform, toolBase: string, n: number): Promise<{ form: Record<string, string>; jar: Jar }> {
  const jar: Jar = new Map();
  const login = platform.loginRequest({ sub: `bench-user-${n % 200}`, resourceLinkId: `rl-${n % 20}`, module: 'bench-module' });
  const redirect = await fetch(`${toolBase}${login.path}?${new URLSearchParams(login.query).toString()}`, { redirect: 'manual' });
  remember(jar, redirect);
  await redirect.arrayBuffer();
  const location = redirect.headers.get('location');
  if (redirect.status !== 302 || !location) throw new Error(`login answered HTTP ${redirect.status}`);
  const answer = await platform.authorize(new URL(location, toolBase).toString());
  return { form: answer.form, jar };
}

// ---------------------------------------------------------------------------------------------
// Servers

function listen(handler: Parameters<typeof createServer>[1] | undefined): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

async function freePort(): Promise<number> {
  const { server } = await listen(undefined);
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function databaseUrl(uri: string, dbName: string): string {
  const url = new URL(uri);
  url.pathname = `/${dbName}`;
  return url.toString();
}

async function startPeer(uri: string, dbName: string, platform: TestPlatform): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(PEER_DIR, 'peer.js')], {
    cwd: PEER_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      BENCH_PORT: String(port),
      BENCH_MONGODB_URL: databaseUrl(uri, dbName),
      BENCH_LTIJS_KEY: randomBytes(24).toString('hex'),
      BENCH_PLATFORM: JSON.stringify(platform.registration),
    },
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the ltijs peer exited with ${code} before it was ready`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      launches: { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '20' },
      'no-peer': { type: 'boolean', default: false },
    },
  });
  const count = Number(values.launches);
  const concurrency = Number(values.concurrency);
  const warmup = Number(values.warmup);
  if (![count, concurrency, warmup].every((value) => Number.isInteger(value) && value > 0)) {
    log('usage: npx tsx bench/launch/run.ts [--launches N] [--concurrency C] [--warmup W] [--no-peer]');
    return 2;
  }
  const options = { count, warmup, concurrency };
  const usePeer = !values['no-peer'];
  if (usePeer && !existsSync(path.join(PEER_DIR, 'node_modules', 'ltijs'))) {
    log('ltijs is not installed: run `cd bench/launch/ltijs && npm install` (or pass --no-peer)');
    return 2;
  }

  let embedded: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    dataDir = mkdtempSync(path.join(tmpdir(), 'shixun-bench-launch-'));
    embedded = await provideEmbeddedServer({ dataDir, projectRoot: ROOT, log });
    uri = embedded.uri;
  }
  const dbName = `bench_launch_${process.pid}`;
  const peerDbName = `bench_launch_ltijs_${process.pid}`;
  const servers: Server[] = [];
  const platforms: TestPlatform[] = [];
  let peer: ChildProcess | undefined;
  try {
    await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 15_000 });
    await ensureIndexes();

    const secretBox = createSecretBox(randomBytes(32).toString('hex'));
    const keyring = createKeyring(secretBox);
    await keyring.current();
    // The app's public URL is its listening address, which is known only once it listens.
    const tool = await listen(undefined);
    servers.push(tool.server);
    const app = createApp({
      sessionSecret: randomBytes(32).toString('hex'),
      devLoginEnabled: false,
      secureCookies: false,
      log: () => {},
      policyProfile: findProfile(loadPolicyProfiles().profiles, 'default')!,
      dataDir: mkdtempSync(path.join(tmpdir(), 'shixun-bench-launch-data-')),
      baseUrl: tool.url,
      trustProxy: false,
      secretBox,
      keyring,
    });
    tool.server.on('request', app);

    const bareApp = express();
    bareApp.get('/bare', (_req, res) => {
      res.send('ok');
    });
    const bare = await listen(bareApp);
    servers.push(bare.server);

    await createConsumer(secretBox, { key: CONSUMER.key, secret: CONSUMER.secret, name: 'bench' });
    const platform = await startTestPlatform({ clientId: 'bench-client' });
    platforms.push(platform);
    platform.setTool({ baseUrl: tool.url, jwks: async () => (await fetch(`${tool.url}/lti/jwks`)).json() });
    await addPlatform(platform.registration, 'admin');

    const results: Result[] = [];
    results.push(
      await scenario('bare express route', options, async (n) => Array.from({ length: n }, () => `${bare.url}/bare`), async (url) => {
        const response = await fetch(url);
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        await response.arrayBuffer();
      }),
    );
    let signed = 0;
    results.push(
      await scenario('lti11 launch + session', options, async (n) => Array.from({ length: n }, () => signedLti11Launch(`${tool.url}/lti/launch`, signed++)), async (form) => {
        const jar: Jar = new Map();
        await expectRedirect(await postForm(`${tool.url}/lti/launch`, form, jar), jar, /^shixun\.sid$/);
      }),
    );
    let loggedIn = 0;
    const prepare13 = (target: TestPlatform, base: string) => async (n: number) => {
      const forms: Awaited<ReturnType<typeof loggedInForm>>[] = [];
      for (let i = 0; i < n; i++) forms.push(await loggedInForm(target, base, loggedIn++));
      return forms;
    };
    results.push(
      await scenario('lti13 launch + session', options, prepare13(platform, tool.url), async ({ form, jar }) => {
        await expectRedirect(await postForm(`${tool.url}/lti/launch`, form, jar), jar, /^shixun\.sid$/);
      }),
    );

    if (usePeer) {
      const peerPlatform = await startTestPlatform({ clientId: 'bench-ltijs-client' });
      platforms.push(peerPlatform);
      const started = await startPeer(uri, peerDbName, peerPlatform);
      peer = started.child;
      peerPlatform.setTool({ baseUrl: started.url, jwks: async () => (await fetch(`${started.url}/lti/jwks`)).json() });
      results.push(
        await scenario('ltijs 5.9 lti13 launch', options, prepare13(peerPlatform, started.url), async ({ form, jar }) => {
          // ltijs keeps its session in a cookie named after the platform, and redirects with its ltik.
          const response = await postForm(`${started.url}/lti/launch`, form, jar);
          if (!/[?&]ltik=/.test(response.headers.get('location') ?? '')) throw new Error(`HTTP ${response.status} without ltik: ${(await response.text()).slice(0, 200)}`);
          await expectRedirect(response, jar, /^lti/);
        }),
      );
    }
    report(results, concurrency);
    return results.some((result) => result.errors > 0) ? 1 : 0;
  } finally {
    peer?.kill('SIGTERM');
    for (const platform of platforms) await platform.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) {
      await mongoose.connection.dropDatabase();
      await mongoose.connection.useDb(peerDbName).dropDatabase();
      await mongoose.disconnect();
    }
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
