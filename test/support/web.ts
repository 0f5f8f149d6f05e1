import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { findProfile, loadPolicyProfiles } from '../../src/ledger/policies';
import { createKeyring, createSecretBox } from '../../src/keys';
import { createApp, type AppOptions } from '../../src/web';

export const TEST_ENCRYPTION_KEY = 'test-encryption-key-that-is-long-enough';
export const TEST_BASE_URL = 'http://shixun.test';

/** The secrets every test app shares, so tests can read what the app sealed and signed. */
export function testSecrets(): { secretBox: AppOptions['secretBox']; keyring: AppOptions['keyring'] } {
  const secretBox = createSecretBox(TEST_ENCRYPTION_KEY);
  return { secretBox, keyring: createKeyring(secretBox) };
}

export function testApp(options: Partial<Pick<AppOptions, 'devLoginEnabled' | 'clock' | 'dataDir' | 'baseUrl' | 'trustProxy' | 'keyring' | 'secretBox' | 'secureCookies' | 'log'>> = {}): Express {
  return createApp({
    ...testSecrets(),
    baseUrl: TEST_BASE_URL,
    trustProxy: false,
    log: (line) => process.stderr.write(`${line}\n`),
    ...options,
    sessionSecret: 'test-session-secret-that-is-long-enough',
    devLoginEnabled: options.devLoginEnabled ?? true,
    secureCookies: options.secureCookies ?? false,
    policyProfile: findProfile(loadPolicyProfiles().profiles, 'default')!,
    dataDir: options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'shixun-web-data-')),
  });
}

/** A clock tests move by hand: time limits and cooldowns without sleeping. */
export class TestClock {
  constructor(private current = new Date('2026-09-01T08:00:00Z')) {}
  now = () => new Date(this.current.getTime());
  advanceMinutes(minutes: number): void {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
  }
}

export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/** Signs in through the development sign-in form, exactly as a person would. */
export async function signIn(app: Express, name: string, school = '', role: 'learner' | 'trainer' | 'registrar' | 'admin' = 'learner'): Promise<request.Agent> {
  const agent = request.agent(app);
  const form = await agent.get('/dev/login').expect(200);
  await agent
    .post('/dev/login')
    .type('form')
    .send({ _csrf: csrfTokenIn(form.text), name, school, role })
    .expect(303)
    .expect('Location', '/catalog');
  return agent;
}
