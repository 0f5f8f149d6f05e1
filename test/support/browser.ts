import type { Server } from 'node:http';
import type { Express } from 'express';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import mongoose from 'mongoose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import type { CoursesFixture } from './course-fixtures';

/** Screenshots are kept here as test artifacts (git-ignored; CI keeps them). */
export const ARTIFACTS_DIR = path.resolve(__dirname, '..', '..', 'test-artifacts');

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Serves an app on a free port for a browser to visit; `close` stops it. */
export async function serve(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://localhost:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** axe-core's serious and critical findings on the page (pages must come from `browser.newContext()`). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

/**
 * The whole stack as `npm start` runs it (config, database, catalog sync, HTTP) on the run's test
 * server, with `courses` as the catalog and a database of its own; `stop` drops that database.
 */
export async function startFullServer(courses: CoursesFixture, databaseName: string): Promise<RunningServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: process.env.SHIXUN_TEST_MONGODB_URI,
    MONGODB_DB: databaseName,
    DATA_DIR: path.join(courses.dir, 'data'),
    COURSES_DIR: courses.dir,
  });
  const running = await startServer(config, () => undefined);
  return {
    ...running,
    async stop() {
      await mongoose.connection.dropDatabase().catch(() => undefined);
      await running.stop();
    },
  };
}
