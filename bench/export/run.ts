/**
 * Export benchmark: seeds N teachers × M ledger entries into a throw-away database and measures,
 * side by side, the CSV export, the XLSX export and a baseline (raw driver cursor → CSV lines, no
 * formatting), each in a child process of its own: wall time and peak RSS.
 *
 *   npx tsx bench/export/run.ts [--teachers 10000,100000] [--entries 10] [--kinds baseline,csv,xlsx]
 *                               [--year 2026] [--timeout-minutes 60]
 *
 * The database is MONGODB_URI (a database named bench_export_<pid>_<N> on it, dropped after),
 * else an embedded server on a temporary DATA_DIR, stopped at the end. See README.md.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { ensureIndexes } from '../../src/db';
import { provideEmbeddedServer, type EmbeddedServer } from '../../src/db/embedded';
import '../../src/ledger';
import { exportLedgerCsv, exportLedgerXlsx } from '../../src/ledger/exports';
import '../../src/users';
import { seedLedger } from './seed';

const ROOT = path.resolve(__dirname, '..', '..');
const KINDS = ['baseline', 'csv', 'xlsx'] as const;
type Kind = (typeof KINDS)[number];
const SAMPLE_MS = 50;
const MB = 1024 * 1024;

interface Measurement {
  kind: Kind;
  rows: number;
  wallMs: number;
  /** RSS before the export started (modules loaded, connected). */
  startRss: number;
  /** Highest RSS sampled every 50 ms during the export. */
  peakRss: number;
  /** The kernel's high-water mark for the whole child process. */
  maxRss: number;
  bytes: number;
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Child: one export, measured.

async function baseline(db: ReturnType<MongoClient['db']>, year: number, file: string): Promise<number> {
  const out = createWriteStream(file);
  let rows = 0;
  const cursor = db
    .collection('ledger_entries')
    .find({ trainingYear: year }, { projection: { _id: 0 } })
    .sort({ 'teacherSnapshot.schoolCode': 1, teacher: 1, sequence: 1 })
    .allowDiskUse(true)
    .batchSize(1000);
  let chunk = '';
  for await (const doc of cursor) {
    const snapshot = doc.teacherSnapshot as { displayName: string; schoolCode?: string };
    chunk += `${snapshot.displayName},${String(doc.teacher)},${snapshot.schoolCode ?? ''},${String(doc.entryId)},${String(doc.sequence)},${String(doc.category)},${String(doc.hours)},${String(doc.trainingYear)},${(doc.occurredAt as Date).toISOString()}\r\n`;
    rows += 1;
    if (chunk.length > 65536) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
  return rows;
}

async function child(kind: Kind, uri: string, dbName: string, year: number, file: string): Promise<void> {
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 15_000 });
  const client = kind === 'baseline' ? await new MongoClient(uri).connect() : undefined;
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, SAMPLE_MS);
  const started = process.hrtime.bigint();
  let rows: number;
  if (kind === 'baseline') rows = await baseline(client!.db(dbName), year, file);
  else if (kind === 'csv') rows = (await exportLedgerCsv(file, { filters: { trainingYear: year }, profileId: 'default' })).entries;
  else {
    const result = await exportLedgerXlsx(file, { filters: { trainingYear: year }, profileId: 'default' });
    rows = result.entries + result.teachers;
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const measurement: Measurement = { kind, rows, wallMs, startRss, peakRss, maxRss: process.resourceUsage().maxRSS * 1024, bytes: statSync(file).size };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
  await client?.close();
  await mongoose.disconnect();
}

// ---------------------------------------------------------------------------------------------
// Parent: seed, run the children, print the table.

function measure(kind: Kind, uri: string, dbName: string, year: number, file: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), __filename, '--child', kind, '--uri', uri, '--db', dbName, '--year', String(year), '--file', file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    running.add(proc.pid ?? -1);
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    proc.on('error', reject);
    proc.on('close', (code) => {
      running.delete(proc.pid ?? -1);
      const line = stdout.trim().split('\n').at(-1);
      if (code === 0 && line) resolve(JSON.parse(line) as Measurement);
      else reject(new Error(`${kind} export exited with ${String(code)}`));
    });
  });
}
const running = new Set<number>();

const mb = (bytes: number) => (bytes / MB).toFixed(1);
const pad = (text: string, width: number) => text.padStart(width);

function printTable(teachers: number, entries: number, seedMs: number, results: Measurement[], server: string): void {
  const lines = [
    '',
    `${teachers} teachers × ${entries} entries = ${teachers * entries} ledger entries (seeded in ${(seedMs / 1000).toFixed(1)} s) on ${server}; load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${cpus().length} CPUs`,
    `${'export'.padEnd(9)}${pad('rows', 10)}${pad('wall s', 9)}${pad('start RSS MB', 14)}${pad('peak RSS MB', 13)}${pad('Δ RSS MB', 10)}${pad('max RSS MB', 12)}${pad('file MB', 9)}`,
    ...(results.length === 0 ? ['(no exports run: --kinds was empty)'] : []),
    ...results.map(
      (r) =>
        `${r.kind.padEnd(9)}${pad(String(r.rows), 10)}${pad((r.wallMs / 1000).toFixed(1), 9)}${pad(mb(r.startRss), 14)}${pad(mb(r.peakRss), 13)}${pad(mb(r.peakRss - r.startRss), 10)}${pad(mb(r.maxRss), 12)}${pad(mb(r.bytes), 9)}`,
    ),
  ];
  const base = results.find((r) => r.kind === 'baseline');
  if (base) {
    for (const r of results.filter((x) => x.kind !== 'baseline')) {
      lines.push(`${r.kind.toUpperCase()}/baseline: time ×${(r.wallMs / base.wallMs).toFixed(2)}, peak RSS ×${(r.peakRss / base.peakRss).toFixed(2)}`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      teachers: { type: 'string', default: '10000,100000' },
      entries: { type: 'string', default: '10' },
      kinds: { type: 'string', default: KINDS.join(',') },
      year: { type: 'string', default: '2026' },
      'timeout-minutes': { type: 'string', default: '60' },
      child: { type: 'string' },
      uri: { type: 'string' },
      db: { type: 'string' },
      file: { type: 'string' },
    },
  });
  const year = Number(values.year);
  if (values.child) {
    await child(values.child as Kind, values.uri!, values.db!, year, values.file!);
    return 0;
  }

  const sizes = values.teachers.split(',').map(Number);
  const entries = Number(values.entries);
  const kinds = values.kinds.split(',').filter(Boolean) as Kind[];
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(entries) || entries < 1 || kinds.some((k) => !KINDS.includes(k))) {
    process.stderr.write('usage: npx tsx bench/export/run.ts [--teachers 10000,100000] [--entries 10] [--kinds baseline,csv,xlsx] [--year 2026]\n');
    return 2;
  }

  const dataDir = mkdtempSync(path.join(tmpdir(), 'shixun-bench-export-'));
  let server: EmbeddedServer | undefined;
  let client: MongoClient | undefined;
  let dbName: string | undefined;
  const cleanup = async () => {
    for (const pid of running) {
      try {
        process.kill(pid);
      } catch {
        // already gone
      }
    }
    if (client && dbName) await client.db(dbName).dropDatabase().catch(() => undefined);
    await client?.close().catch(() => undefined);
    await mongoose.disconnect().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const timeout = setTimeout(
    () => {
      log(`stopping: over --timeout-minutes ${values['timeout-minutes']}`);
      void cleanup().finally(() => process.exit(1));
    },
    Number(values['timeout-minutes']) * 60_000,
  );
  try {
    let uri = process.env.MONGODB_URI;
    if (!uri) {
      server = await provideEmbeddedServer({ dataDir, projectRoot: ROOT, log });
      uri = server.uri;
    }
    client = await new MongoClient(uri).connect();
    for (const teachers of sizes) {
      dbName = `bench_export_${process.pid}_${teachers}`;
      await mongoose.connect(uri, { dbName });
      await mongoose.connection.dropDatabase();
      await ensureIndexes();
      const seedStart = Date.now();
      const seeded = await seedLedger(client.db(dbName), { teachers, entriesPerTeacher: entries, trainingYear: year, log });
      const seedMs = Date.now() - seedStart;
      log(`seeded ${seeded.users} teachers and ${seeded.entries} entries in ${(seedMs / 1000).toFixed(1)} s`);
      const results: Measurement[] = [];
      for (const kind of kinds) {
        const file = path.join(dataDir, `export-${teachers}.${kind === 'xlsx' ? 'xlsx' : 'csv'}`);
        log(`${kind}: exporting…`);
        results.push(await measure(kind, uri, dbName, year, file));
        rmSync(file, { force: true });
      }
      printTable(teachers, entries, seedMs, results, server ? `embedded ${server.kind}` : 'MONGODB_URI');
      await mongoose.connection.dropDatabase();
      await mongoose.disconnect();
      dbName = undefined;
    }
    return 0;
  } finally {
    clearTimeout(timeout);
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
