import request from 'supertest';
import type { Express } from 'express';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { AgsOutcomeTarget } from '../../../src/lti';
import { PlacementModel, type Placement } from '../../../src/lti/placements';
import { fetchRoster, nextLink } from '../../../src/lti/roster';
import { findPlatformById, postAgsScore, type AgsScore } from '../../../src/lti/v13';
import { useTestDatabase } from '../../support/database';
import { AGS_SCOPES, ROLE, type TestPlatform } from '../../support/lti-platform';
import { testSecrets } from '../../support/web';
import { connectedPlatform, launch } from './flow';

useTestDatabase();

let app: Express;
let platform: TestPlatform;
let secrets: ReturnType<typeof testSecrets>;

beforeAll(async () => {
  ({ app, platform, secrets } = await connectedPlatform());
});
afterAll(async () => {
  await platform.close();
});

async function targetOf(sub: string, resourceLinkId: string): Promise<AgsOutcomeTarget> {
  expect((await launch(request.agent(app), platform, { sub, resourceLinkId, module: 'graded-module' })).status).toBe(303);
  const placement = await PlacementModel.findOne({ subject: sub, resourceLinkId }).lean<Placement>();
  expect(placement?.outcome?.kind).toBe('ags');
  return placement!.outcome as AgsOutcomeTarget;
}

const passed = (userId: string): AgsScore => ({ userId, scoreGiven: 92, scoreMaximum: 100, activityProgress: 'Completed', gradingProgress: 'FullyGraded', timestamp: new Date('2026-09-01T08:00:00Z') });

describe('AGS: postAgsScore', () => {
  it('gets a token with a client assertion the platform verifies against /lti/jwks, and posts the score with the score media type', async () => {
    const target = await targetOf('learner-ags', 'link-ags');
    expect(target.lineItemUrl).toBe(`${platform.lineItemsUrl()}/link-ags`);
    const before = platform.tokenRequests.length;
    const answer = await postAgsScore(target, passed('learner-ags'), { keyring: secrets.keyring });
    expect(answer).toMatchObject({ ok: true, stage: 'score', status: 204, lineItemUrl: target.lineItemUrl });
    expect(platform.tokenRequests.slice(before)).toEqual([{ scope: AGS_SCOPES.score, ok: true }]);
    const received = platform.scores.filter((score) => score.score.userId === 'learner-ags');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      lineItemUrl: target.lineItemUrl,
      contentType: 'application/vnd.ims.lis.v1.score+json',
      score: { userId: 'learner-ags', scoreGiven: 92, scoreMaximum: 100, activityProgress: 'Completed', gradingProgress: 'FullyGraded', timestamp: '2026-09-01T08:00:00.000Z' },
    });

    // The access token is cached until it expires: a second score needs no second token.
    await postAgsScore(target, { ...passed('learner-ags'), scoreGiven: 95 }, { keyring: secrets.keyring });
    expect(platform.tokenRequests.slice(before)).toHaveLength(1);
  });

  it("returns each failure's HTTP answer, and the score arrives once when the platform fails the first two posts", async () => {
    const target = await targetOf('learner-flaky', 'link-flaky');
    platform.failNext(2, 503);
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt += 1) answers.push(await postAgsScore(target, passed('learner-flaky'), { keyring: secrets.keyring }));
    expect(answers.map((answer) => [answer.ok, answer.status])).toEqual([
      [false, 503],
      [false, 503],
      [true, 204],
    ]);
    expect(answers[0]!.body).toContain('injected failure');
    expect(platform.scores.filter((score) => score.score.userId === 'learner-flaky')).toHaveLength(1);
  });

  it('finds or creates the line item when the launch gave only the container', async () => {
    const target = { ...(await targetOf('learner-container', 'link-container')), lineItemUrl: undefined, resourceLinkId: 'link-new', resourceId: 'graded-module' };
    const first = await postAgsScore(target, passed('learner-container'), { keyring: secrets.keyring });
    expect(first.ok).toBe(true);
    const created = platform.lineItems.find((item) => item.resourceLinkId === 'link-new');
    expect(created).toMatchObject({ scoreMaximum: 100, resourceId: 'graded-module' });
    expect(first.lineItemUrl).toBe(created!.id);
    const second = await postAgsScore(target, passed('learner-container'), { keyring: secrets.keyring });
    expect(second.lineItemUrl).toBe(created!.id);
    expect(platform.lineItems.filter((item) => item.resourceLinkId === 'link-new')).toHaveLength(1);
  });

  it('sends nothing when the platform did not grant the score scope', async () => {
    const target = { ...(await targetOf('learner-noscope', 'link-noscope')), scopes: [AGS_SCOPES.lineItem] };
    const answer = await postAgsScore(target, passed('learner-noscope'), { keyring: secrets.keyring });
    expect(answer).toMatchObject({ ok: false, status: 0 });
    expect(platform.scores.filter((score) => score.score.userId === 'learner-noscope')).toHaveLength(0);
  });

  it("reports the token endpoint's refusal when the assertion names a key the tool never published", async () => {
    const target = await targetOf('learner-token', 'link-token');
    const unpublished = { ...secrets.keyring, current: async () => ({ ...(await secrets.keyring.current()), kid: 'never-published' }) };
    // A day later the cached access token has expired, so a new assertion is needed.
    const answer = await postAgsScore(target, passed('learner-token'), { keyring: unpublished, clock: () => new Date(Date.now() + 86_400_000) });
    expect(answer).toMatchObject({ ok: false, stage: 'token', status: 400 });
    expect(answer.body).toContain('client assertion');
    expect(platform.scores.filter((score) => score.score.userId === 'learner-token')).toHaveLength(0);
  });
});

describe('the client assertion', () => {
  it('is RS256 under the current key, iss = sub = client id, aud = token URL, with a jti and a short life', async () => {
    let seen: string | undefined;
    const target = await targetOf('learner-assertion', 'link-assertion');
    const realFetch = global.fetch;
    global.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      if (String(input) === platform.tokenUrl) seen = new URLSearchParams(String(init?.body)).get('client_assertion') ?? undefined;
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      // Two days on, every cached access token has expired: this call must sign a new assertion.
      await postAgsScore(target, passed('learner-assertion'), { keyring: secrets.keyring, clock: () => new Date(Date.now() + 2 * 86_400_000) });
    } finally {
      global.fetch = realFetch;
    }
    expect(seen).toBeDefined();
    const header = decodeProtectedHeader(seen!);
    const claims = decodeJwt(seen!);
    expect(header).toMatchObject({ alg: 'RS256', kid: (await secrets.keyring.current()).kid });
    expect(claims).toMatchObject({ iss: platform.clientId, sub: platform.clientId, aud: platform.tokenUrl });
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
  });
});

describe('NRPS: fetchRoster', () => {
  it('follows Link rel="next" through every page', async () => {
    platform.setMembers(
      Array.from({ length: 5 }, (_, index) => ({ user_id: `member-${index}`, roles: [index === 0 ? ROLE.instructor : ROLE.learner], name: `成员${index}`, status: 'Active' as const })),
    );
    platform.pageSize = 2;
    const registration = (await findPlatformById((await targetOf('roster-caller', 'link-roster')).platformId))!;
    const members = await fetchRoster(registration, platform.membershipsUrl(), { keyring: secrets.keyring });
    expect(members.map((member) => member.userId)).toEqual(['member-0', 'member-1', 'member-2', 'member-3', 'member-4']);
    expect(members[1]).toMatchObject({ name: '成员1', roles: [ROLE.learner], status: 'Active' });
  });

  it('reads the next link among other link relations', () => {
    expect(nextLink('<https://lms/x?p=1>; rel="prev", <https://lms/x?p=3>; rel="next"')).toBe('https://lms/x?p=3');
    expect(nextLink('<https://lms/x?p=1>; rel="differences"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});
