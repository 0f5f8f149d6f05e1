import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/web';

export function testApp(options: { devLoginEnabled?: boolean } = {}): Express {
  return createApp({
    sessionSecret: 'test-session-secret-that-is-long-enough',
    devLoginEnabled: options.devLoginEnabled ?? true,
    secureCookies: false,
    log: (line) => process.stderr.write(`${line}\n`),
  });
}

export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/** Signs in through the development sign-in form, exactly as a person would. */
export async function signIn(app: Express, name: string, school = ''): Promise<request.Agent> {
  const agent = request.agent(app);
  const form = await agent.get('/dev/login').expect(200);
  await agent
    .post('/dev/login')
    .type('form')
    .send({ _csrf: csrfTokenIn(form.text), name, school })
    .expect(303)
    .expect('Location', '/catalog');
  return agent;
}
