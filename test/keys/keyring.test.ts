import { compactVerify, createLocalJWKSet, CompactSign } from 'jose';
import request from 'supertest';
import { createKeyring, createSecretBox, SigningKeyModel } from '../../src/keys';
import { useTestDatabase } from '../support/database';
import { testApp } from '../support/web';

useTestDatabase();

describe('secret box', () => {
  const box = createSecretBox('a-key-that-is-at-least-thirty-two-characters');

  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = box.seal('consumer secret 密钥');
    expect(sealed).not.toContain('consumer');
    expect(box.open(sealed)).toBe('consumer secret 密钥');
  });

  it('refuses altered data and a different key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow(/could not be opened/);
    expect(() => createSecretBox('another-key-that-is-at-least-thirty-two-chars').open(sealed)).toThrow(/could not be opened/);
  });
});

describe('keyring', () => {
  const box = createSecretBox('a-key-that-is-at-least-thirty-two-characters');

  beforeEach(async () => {
    await SigningKeyModel.deleteMany({});
  });

  it('creates one key even when several processes ask at once', async () => {
    const keys = await Promise.all([1, 2, 3, 4].map(() => createKeyring(box).current()));
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
    expect(await SigningKeyModel.countDocuments()).toBe(1);
  });

  it('stores the private key sealed, and another process reads the same key back', async () => {
    const first = await createKeyring(box).current();
    const stored = await SigningKeyModel.findOne().lean();
    expect(JSON.stringify(stored)).not.toMatch(/"d":/);
    const second = await createKeyring(box).current();
    expect(second.kid).toBe(first.kid);
    const jws = await new CompactSign(new TextEncoder().encode('hello')).setProtectedHeader({ alg: 'RS256', kid: second.kid }).sign(second.privateKey);
    const keySet = createLocalJWKSet(await createKeyring(box).publishedKeySet());
    await expect(compactVerify(jws, keySet)).resolves.toBeDefined();
  });

  it('keeps retired keys published after rotation, signing only with the newest', async () => {
    const keyring = createKeyring(box);
    const old = await keyring.current();
    const rotated = await keyring.rotate();
    expect(rotated.kid).not.toBe(old.kid);
    expect((await keyring.current()).kid).toBe(rotated.kid);
    const published = await keyring.publishedKeySet();
    expect(published.keys.map((key) => key.kid)).toEqual([rotated.kid, old.kid]);
    expect(published.keys.every((key) => key.d === undefined)).toBe(true);
  });

  it('serves the key set at /lti/jwks without private parts', async () => {
    const keyring = createKeyring(box);
    const { kid } = await keyring.current();
    const response = await request(testApp({ keyring })).get('/lti/jwks').expect(200).expect('Content-Type', /json/);
    expect(response.body.keys).toEqual([expect.objectContaining({ kid, kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    expect(response.body.keys[0].d).toBeUndefined();
  });
});
