import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { readLock } from '../../src/db/embedded';
import { CoursesFixture } from '../support/course-fixtures';
import { pidAlive, waitFor } from '../db/embedded-helpers';

const ROOT = path.resolve(__dirname, '..', '..');

/** `npm start` as a newcomer runs it: no MONGODB_URI, so the server provides its own database. */
const started: ChildProcess[] = [];
// A failed expectation must not leave a server (and its database) running.
afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGTERM');
});

function startShixun(env: Record<string, string>): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const { MONGODB_URI: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, NODE_ENV: 'development', PORT: '0', ...env },
  });
  started.push(child);
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/localhost:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`shixun exited with ${code} before listening:\n${output}`)));
  });
  return { child, output: () => output, url };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

async function countUsers(uri: string): Promise<number> {
  const connection = await mongoose.createConnection(uri, { dbName: 'shixun', serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    return await connection.collection('users').countDocuments();
  } finally {
    await connection.close();
  }
}

describe('npm start on the embedded database', () => {
  const courses = new CoursesFixture().module('homeroom-new-restart');
  const dataDir = path.join(courses.dir, 'data');
  const env = { DATA_DIR: dataDir, COURSES_DIR: courses.dir };

  it('starts, serves, shares its database with the CLI, stops cleanly and keeps the data for the next start', async () => {
    const first = startShixun(env);
    const url = await first.url;
    expect(first.output()).toMatch(/embedded MongoDB: (mongod|ferretdb|mongodb-memory-server) at mongodb:\/\/127\.0\.0\.1:\d+\//);
    expect(first.output()).toContain('catalog: 1 published, 0 unchanged, 0 refused');
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok', db: 'up' });

    const uri = readFileSync(path.join(dataDir, 'mongodb.uri'), 'utf8').trim();
    const serverPid = (await readLock(dataDir))?.childPid;
    expect(serverPid).toBeGreaterThan(0);

    // The CLI finds the running server through the data directory instead of starting a second one.
    const seed = spawnSync(process.execPath, ['bin/shixun.js', 'demo', 'seed'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env, MONGODB_URI: '' } });
    expect(seed.status).toBe(0);
    expect(seed.stderr).toContain('reusing');
    expect(seed.stdout).toMatch(/demo: 3 schools, 6 teachers/);
    expect(await countUsers(uri)).toBe(8); // six teachers and two staff

    expect(await stop(first.child)).toBe(0);
    expect(await waitFor(() => !pidAlive(serverPid!))).toBe(true);
    expect(existsSync(path.join(dataDir, 'embedded.lock'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'mongodb.uri'))).toBe(false);

    const second = startShixun(env);
    await second.url;
    expect(second.output()).toContain('catalog: 0 published, 1 unchanged, 0 refused');
    const secondUri = readFileSync(path.join(dataDir, 'mongodb.uri'), 'utf8').trim();
    expect(await countUsers(secondUri)).toBe(8);
    expect(await stop(second.child)).toBe(0);
  });

  it('refuses to start with bad configuration and says why', async () => {
    const bad = startShixun({ ...env, PORT: 'http' });
    await expect(bad.url).rejects.toThrow(/PORT/);
  });
});
