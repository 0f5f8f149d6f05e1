/**
 * An independent verifier: it knows the Open Badges 3.0, VC-JWT and Bitstring Status List specs
 * and the tool's public URLs, and nothing of Shixun's credential code (nothing is imported from
 * src/certificates/credentials). Everything it checks comes over HTTP and is checked with `jose`
 * and node's zlib alone.
 */
import { gunzipSync } from 'node:zlib';
import type { Express } from 'express';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import request from 'supertest';
import { createKeyring, createSecretBox } from '../../src/keys';
import { revokeCertificate } from '../../src/certificates/revoke';
import type { Certificate } from '../../src/certificates/types';
import { useTestDatabase } from '../support/database';
import { TEST_BASE_URL, TEST_ENCRYPTION_KEY, testApp } from '../support/web';
import { storedCertificate } from './credentials-fixtures';

useTestDatabase();

type Json = Record<string, unknown>;
const pathOf = (url: string) => {
  expect(url.startsWith(`${TEST_BASE_URL}/`)).toBe(true);
  return url.slice(TEST_BASE_URL.length);
};

async function fetchJwt(app: Express, url: string): Promise<string> {
  const response = await request(app).get(pathOf(url)).set('Accept', 'application/vc+jwt').expect(200).expect('Content-Type', /^application\/vc\+jwt/);
  return response.text;
}

/** OB 3.0 §8.2.6: the signature against the issuer's published keys, then the registered claims. */
async function verifyCredentialJwt(app: Express, jwt: string): Promise<Json & JWTPayload> {
  const header = decodeProtectedHeader(jwt);
  expect(Object.keys(header).sort()).toEqual(['alg', 'kid', 'typ']);
  const keySet = (await request(app).get('/lti/jwks').expect(200)).body as { keys: Json[] };
  const { payload } = await jwtVerify(jwt, createLocalJWKSet(keySet as never), { algorithms: ['RS256'], typ: 'JWT' });
  const credential = payload as Json & JWTPayload;
  const issuer = credential.issuer as Json;
  const subject = credential.credentialSubject as Json;
  if (payload.iss !== issuer.id) throw new Error('iss is not issuer.id');
  if (payload.jti !== credential.id) throw new Error('jti is not id');
  if (payload.sub !== subject.id) throw new Error('sub is not credentialSubject.id');
  if (payload.nbf === undefined || payload.nbf * 1000 !== Date.parse(String(credential.validFrom))) throw new Error('nbf is not validFrom');
  if (!subject.id && !subject.identifier) throw new Error('the subject is identified by neither id nor identifier');

  // The issuer profile names the signing key, as it is published at /lti/jwks.
  const profile = (await request(app).get(pathOf(String(issuer.id))).expect(200).expect('Content-Type', /json/)).body as Json;
  if (profile.id !== issuer.id || !(profile.type as string[]).includes('Profile')) throw new Error('issuer profile does not match');
  const method = (profile.verificationMethod as Json[]).find((candidate) => (candidate.publicKeyJwk as Json).kid === header.kid);
  if (!method) throw new Error('the issuer profile does not list the signing key');
  expect(method.publicKeyJwk).toEqual(keySet.keys.find((key) => key.kid === header.kid));
  // SD-JWT VC issuer metadata leads a JWT verifier from the issuer id to the same key set.
  const metadata = (await request(app).get(`/.well-known/jwt-vc-issuer${new URL(String(issuer.id)).pathname}`).expect(200)).body as Json;
  expect(metadata).toEqual({ issuer: issuer.id, jwks_uri: `${TEST_BASE_URL}/lti/jwks` });
  return credential;
}

/** W3C Bitstring Status List: fetch the list credential, check who signed it, read the bit. */
async function isRevoked(app: Express, credential: Json): Promise<boolean> {
  const entry = credential.credentialStatus as Json;
  expect(entry).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
  const listJwt = await fetchJwt(app, String(entry.statusListCredential));
  const keySet = (await request(app).get('/lti/jwks').expect(200)).body;
  const { payload } = await jwtVerify(listJwt, createLocalJWKSet(keySet), { algorithms: ['RS256'] });
  const list = payload as Json & JWTPayload;
  expect(list.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
  expect(list.id).toBe(entry.statusListCredential);
  expect(list.issuer).toBe((credential.issuer as Json).id);
  expect(list.iss).toBe(list.issuer);
  const subject = list.credentialSubject as Json;
  expect(subject.statusPurpose).toBe('revocation');
  const encoded = String(subject.encodedList);
  expect(encoded[0]).toBe('u');
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  expect(bits.length * 8).toBeGreaterThanOrEqual(131_072);
  const index = Number(entry.statusListIndex);
  expect(Number.isInteger(index) && index >= 0 && index < bits.length * 8).toBe(true);
  return ((bits[Math.floor(index / 8)]! >> (7 - (index % 8))) & 1) === 1;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Every leaf of a JSON value, as a path. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, [...path, index]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  return [path];
}

function changedAt(value: unknown, path: (string | number)[]): unknown {
  const copy = structuredClone(value) as Json;
  let node = copy as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const old = node[last];
  node[last] = typeof old === 'number' ? old + 1 : typeof old === 'boolean' ? !old : `${String(old)}x`;
  return copy;
}

describe('an independent verifier', () => {
  const keyring = createKeyring(createSecretBox(TEST_ENCRYPTION_KEY));
  let app: Express;
  let certificate: Certificate;
  let jwt: string;

  beforeAll(async () => {
    app = testApp({ keyring });
    certificate = await storedCertificate();
    jwt = await fetchJwt(app, `${TEST_BASE_URL}/credentials/${certificate.verificationCode}`);
  });

  it('accepts the credential: signature, claims, issuer profile, not revoked', async () => {
    const credential = await verifyCredentialJwt(app, jwt);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect((credential.credentialSubject as Json).creditsEarned).toBe(certificate.hours);
    expect(await isRevoked(app, credential)).toBe(false);
  });

  it('rejects the credential after any field of the payload is changed', async () => {
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const claims = decodeJwt(jwt);
    const paths = leaves(claims);
    expect(paths.length).toBeGreaterThan(30);
    for (const path of paths) {
      const forged = `${header}.${b64(changedAt(claims, path))}.${signature}`;
      await expect(verifyCredentialJwt(app, forged)).rejects.toThrow();
    }
    const { name: _removed, ...withoutName } = claims as Json;
    await expect(verifyCredentialJwt(app, `${header}.${b64(withoutName)}.${signature}`)).rejects.toThrow();
    await expect(verifyCredentialJwt(app, `${header}.${payload}.${signature}`)).resolves.toBeDefined();
  });

  it('rejects the credential after a header field is changed', async () => {
    const [, payload, signature] = jwt.split('.') as [string, string, string];
    const header = decodeProtectedHeader(jwt);
    for (const forgedHeader of [
      { ...header, typ: 'vc+jwt' },
      { ...header, alg: 'RS512' },
      { ...header, alg: 'none' },
      { ...header, kid: `${header.kid}x` },
      { ...header, jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } },
    ]) {
      await expect(verifyCredentialJwt(app, `${b64(forgedHeader)}.${payload}.${signature}`)).rejects.toThrow();
    }
  });

  it('still verifies after revocation, and the status list says revoked', async () => {
    const bystander = await storedCertificate();
    const bystanderJwt = await fetchJwt(app, `${TEST_BASE_URL}/credentials/${bystander.verificationCode}`);
    const revoked = await storedCertificate();
    const revokedJwt = await fetchJwt(app, `${TEST_BASE_URL}/credentials/${revoked.verificationCode}`);
    const credential = await verifyCredentialJwt(app, revokedJwt);
    expect(await isRevoked(app, credential)).toBe(false);

    await revokeCertificate({ number: revoked.number, reasonCategory: 'issued-in-error', revokedBy: { name: '区教研室管理员' } });

    expect(await isRevoked(app, await verifyCredentialJwt(app, revokedJwt))).toBe(true);
    expect(await isRevoked(app, await verifyCredentialJwt(app, bystanderJwt))).toBe(false);
    // Served again after revocation, it is the same credential pointing at the same bit.
    expect(await fetchJwt(app, `${TEST_BASE_URL}/credentials/${revoked.verificationCode}`)).toBe(revokedJwt);
  });

  it('still verifies a credential signed before the key was rotated', async () => {
    const before = await fetchJwt(app, `${TEST_BASE_URL}/credentials/${certificate.verificationCode}`);
    const oldKid = decodeProtectedHeader(before).kid;
    await keyring.rotate();
    await expect(verifyCredentialJwt(app, before)).resolves.toBeDefined();
    const after = await fetchJwt(app, `${TEST_BASE_URL}/credentials/${certificate.verificationCode}`);
    expect(decodeProtectedHeader(after).kid).not.toBe(oldKid);
    await expect(verifyCredentialJwt(app, after)).resolves.toBeDefined();
    expect(await isRevoked(app, await verifyCredentialJwt(app, after))).toBe(false);
  });
});

describe('the credential endpoints', () => {
  let app: Express;
  let certificate: Certificate;

  beforeAll(async () => {
    app = testApp();
    certificate = await storedCertificate();
  });

  it('serve JSON by default: the credential to read and the compact JWS to verify', async () => {
    const response = await request(app).get(`/credentials/${certificate.verificationCode}`).expect(200).expect('Content-Type', /^application\/json/);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const { credential, compactJwsString } = response.body as { credential: Json; compactJwsString: string };
    const { iss: _iss, jti: _jti, nbf: _nbf, sub: _sub, ...signed } = decodeJwt(compactJwsString);
    expect(signed).toEqual(credential);
    expect(credential.id).toBe(`${TEST_BASE_URL}/credentials/${certificate.verificationCode}`);
  });

  it('serve the JWS as a file for wallets with ?download=1', async () => {
    const response = await request(app).get(`/credentials/${certificate.verificationCode}?download=1`).expect(200).expect('Content-Type', /^application\/vc\+jwt/);
    expect(response.headers['content-disposition']).toBe(`attachment; filename=${certificate.number}.jwt`);
    expect(decodeJwt(response.text).jti).toBe(`${TEST_BASE_URL}/credentials/${certificate.verificationCode}`);
  });

  it('answer 404 JSON, the same for unknown and malformed ids and lists', async () => {
    const unknown = await request(app).get('/credentials/AAAAAAAAAAAAAAAAAAAAAAAA').set('Accept', 'application/vc+jwt').expect(404).expect('Content-Type', /json/);
    const malformed = await request(app).get('/credentials/not-a-code').expect(404).expect('Content-Type', /json/);
    expect(malformed.body).toEqual(unknown.body);
    expect(unknown.body.error).toEqual({ status: 404, message: '没有找到这份数字证书。' });
    const english = await request(app).get('/credentials/AAAAAAAAAAAAAAAAAAAAAAAA').set('Accept-Language', 'en').expect(404);
    expect(english.body.error.message).toBe('No digital credential was found here.');
    await request(app).get('/credentials/status/999').expect(404).expect('Content-Type', /json/);
    await request(app).get('/credentials/status/x').expect(404).expect('Content-Type', /json/);
  });

  it('serve the status list as JSON too, and the issuer profile with every published key', async () => {
    const list = await request(app).get('/credentials/status/1').expect(200).expect('Content-Type', /json/);
    expect(list.body.credential.type).toEqual(['VerifiableCredential', 'BitstringStatusListCredential']);
    expect(decodeJwt(list.body.compactJwsString).jti).toBe(`${TEST_BASE_URL}/credentials/status/1`);
    const profile = (await request(app).get('/credentials/issuer').expect(200)).body as Json;
    const keys = (await request(app).get('/lti/jwks').expect(200)).body.keys as Json[];
    expect((profile.verificationMethod as Json[]).map((method) => method.publicKeyJwk)).toEqual(keys);
    expect(profile.name).toBe('师训教师培训中心');
  });
});
