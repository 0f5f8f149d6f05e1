import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { findProfile, loadPolicyProfiles } from '../../src/ledger/policies';
import { createApp } from '../../src/web';

export function testApp(options: { devLoginEnabled?: boolean; clock?: () => Date; dataDir?: string } = {}): Express {
  return createApp({
    sessionSecret: 'test-session-secret-that-is-long-enough',
    devLoginEnabled: options.devLoginEnabled ?? true,
    secureCookies: false,
    log: (line) => process.stderr.write(`${line}\n`),
    clock: options.clock,
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
