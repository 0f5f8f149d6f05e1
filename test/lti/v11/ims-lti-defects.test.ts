import crypto from 'node:crypto';
import type { Request } from 'express';
import { Provider, Stores } from 'ims-lti';
import HMAC_SHA1 from 'ims-lti/lib/hmac-sha1';
import { OutcomeService } from 'ims-lti/lib/extensions/outcomes';
import { LtiNonceModel, sweepExpiredNonces } from '../../../src/lti/v11';
import { claimNonce } from '../../../src/lti/v11/nonces';
import { VerifyingSigner } from '../../../src/lti/v11/oauth';
import { useTestDatabase } from '../../support/database';
import { launchParams, signLaunch } from './sign';

useTestDatabase();

/**
 * Each known ims-lti 3.0.2 defect, shown on the library itself (so the test proves the defect is
 * real) next to the adapter's answer to it.
 */

const KEY = 'defects';
const SECRET = 'defects-secret-0123456789';
const NOW = 1_790_000_000;

/** The parts of an express request both signers read. */
function fakeRequest(options: { url: string; host: string; protocol?: string; body: Record<string, string> }): Request {
  return { method: 'POST', protocol: options.protocol ?? 'http', host: options.host, headers: { host: options.host }, originalUrl: options.url, url: options.url, body: options.body } as unknown as Request;
}

describe('ims-lti defects and the adapter', () => {
  test('bracketed parameter names: ims-lti does not percent-encode them, the adapter does', () => {
    const body = signLaunch({ url: 'http://shixun.test/lti/launch', key: KEY, secret: SECRET, params: launchParams({ 'custom_map[a]': '1' }), timestamp: NOW });
    const req = fakeRequest({ url: '/lti/launch', host: 'shixun.test', body });
    expect(new HMAC_SHA1().build_signature(req, body, SECRET)).not.toBe(body.oauth_signature);
    expect(new VerifyingSigner().build_signature(req, body, SECRET)).toBe(body.oauth_signature);
  });

  test('signature comparison: the adapter compares in constant time (crypto.timingSafeEqual), never with ===', () => {
    const body = signLaunch({ url: 'http://shixun.test/lti/launch', key: KEY, secret: SECRET, params: launchParams(), timestamp: NOW });
    const req = fakeRequest({ url: '/lti/launch', host: 'shixun.test', body });
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      const signer = new VerifyingSigner();
      expect(signer.build_signature(req, body, SECRET)).toBe(body.oauth_signature);
      expect(spy).toHaveBeenCalled();
      spy.mockClear();
      // A wrong signature, even a prefix of the right one, never comes back equal to what was sent.
      const forged = { ...body, oauth_signature: body.oauth_signature!.slice(0, 10) };
      expect(signer.build_signature(req, forged, SECRET)).not.toBe(forged.oauth_signature);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test('the adapter signer makes ims-lti refuse what it refuses', async () => {
    const body = signLaunch({ url: 'http://shixun.test/lti/launch', key: KEY, secret: 'another-secret-entirely-000', params: launchParams(), timestamp: NOW });
    const provider = new Provider(KEY, SECRET, new Stores.MemoryStore(), new VerifyingSigner());
    const error = await new Promise<Error | null>((resolve) => provider.valid_request(fakeRequest({ url: '/lti/launch', host: 'shixun.test', body }), body, (err) => resolve(err)));
    expect(error?.message).toBe('Invalid Signature');
  });

  test('nonces: ims-lti’s memory store accepts a timestamp an hour in the future; the MongoDB store refuses it', async () => {
    const realNow = Math.floor(Date.now() / 1000);
    const accepted = await new Promise<boolean>((resolve) => new Stores.MemoryStore().isNew('n-1', String(realNow + 3600), (_error: unknown, isNew: boolean) => resolve(isNew)));
    expect(accepted).toBe(true);
    expect(await claimNonce(KEY, 'n-1', String(NOW + 3600), new Date(NOW * 1000))).toBe('timestamp-future');
    expect(await claimNonce(KEY, 'n-1', String(NOW - 3600), new Date(NOW * 1000))).toBe('timestamp-stale');
    expect(await claimNonce(KEY, 'n-1', 'yesterday', new Date(NOW * 1000))).toBe('timestamp-invalid');
  });

  test('nonces: kept while a replay could still pass the timestamp check, swept afterwards', async () => {
    const at = new Date(NOW * 1000);
    expect(await claimNonce(KEY, 'n-2', String(NOW), at)).toBe('accepted');
    expect(await claimNonce(KEY, 'n-2', String(NOW), new Date((NOW + 299) * 1000))).toBe('nonce-reused');
    await sweepExpiredNonces(new Date((NOW + 290) * 1000));
    expect(await LtiNonceModel.countDocuments({ nonce: 'n-2' })).toBe(1);
    // Sweeps run at most once a minute, so the next one is more than a minute later.
    await sweepExpiredNonces(new Date((NOW + 400) * 1000));
    expect(await LtiNonceModel.countDocuments({ nonce: 'n-2' })).toBe(0);
    // Once swept, the timestamp alone refuses the replay.
    expect(await claimNonce(KEY, 'n-2', String(NOW), new Date((NOW + 400) * 1000))).toBe('timestamp-stale');
  });

  test('nonces: concurrent replays of one nonce are accepted exactly once', async () => {
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => claimNonce(KEY, 'n-3', String(NOW), new Date(NOW * 1000))));
    expect(verdicts.filter((verdict) => verdict === 'accepted')).toHaveLength(1);
    expect(verdicts.filter((verdict) => verdict === 'nonce-reused')).toHaveLength(7);
  });

  test('outcomes: ims-lti’s Content-Length counts characters, which is short for Chinese result text', () => {
    const service = new OutcomeService({ consumer_key: KEY, consumer_secret: SECRET, service_url: 'http://lms.test/outcomes', source_did: 'x' });
    const xml = '<text>已完成《班主任工作职责》</text>';
    expect(service._build_headers(xml)['Content-Length']).toBe(xml.length);
    expect(Buffer.byteLength(xml)).toBeGreaterThan(xml.length);
    // The adapter's own sender is tested against a real HTTP server in outcomes.test.ts.
  });

  test('behind a proxy: ims-lti signs the raw Host header; the adapter uses what trust proxy resolved', () => {
    const body = signLaunch({ url: 'https://shixun.school.example.cn/lti/launch', key: KEY, secret: SECRET, params: launchParams(), timestamp: NOW });
    // What express gives with trust proxy on: protocol and host from X-Forwarded-*, the raw Host header internal.
    const req = { ...fakeRequest({ url: '/lti/launch', host: 'shixun.school.example.cn', protocol: 'https', body }), headers: { host: 'internal:3000' } } as unknown as Request;
    expect(new HMAC_SHA1().build_signature(req, body, SECRET)).not.toBe(body.oauth_signature);
    expect(new VerifyingSigner().build_signature(req, body, SECRET)).toBe(body.oauth_signature);
  });
});
