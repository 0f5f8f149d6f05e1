import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OAuth from 'oauth-1.0a';
import { createConsumer, Lti11OutcomeError, sendLti11Outcome, setConsumerDisabled } from '../../../src/lti/v11';
import type { Lti11OutcomeTarget } from '../../../src/lti';
import { useTestDatabase } from '../../support/database';
import { testSecrets } from '../../support/web';

useTestDatabase();

const KEY = 'outcomes-lms';
const SECRET = 'outcomes-secret-0123456789';
const { secretBox } = testSecrets();

interface Received {
  contentLength: number;
  bytes: number;
  body: string;
  signatureValid: boolean;
  bodyHashValid: boolean;
  contentType?: string;
}

/** Parses `Authorization: OAuth k="v", …`. */
function oauthHeader(value: string): Record<string, string> {
  return Object.fromEntries([...value.replace(/^OAuth\s+/, '').matchAll(/([\w-]+)="([^"]*)"/g)].map((match) => [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)]));
}

/** A tiny LTI 1.1 outcome service that checks every request with the independent oauth-1.0a package. */
let server: Server;
let serviceUrl: string;
let answer: { status: number; codeMajor: string } = { status: 200, codeMajor: 'success' };
const received: Received[] = [];

function pox(codeMajor: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><imsx_POXEnvelopeResponse xmlns="http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0"><imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_version>V1.0</imsx_version><imsx_messageIdentifier>1</imsx_messageIdentifier><imsx_statusInfo><imsx_codeMajor>${codeMajor}</imsx_codeMajor><imsx_severity>status</imsx_severity><imsx_description>${codeMajor === 'success' ? 'Score saved' : '成绩无法保存'}</imsx_description></imsx_statusInfo></imsx_POXResponseHeaderInfo></imsx_POXHeader><imsx_POXBody><replaceResultResponse/></imsx_POXBody></imsx_POXEnvelopeResponse>`;
}

function verify(req: IncomingMessage, raw: Buffer): Received {
  const header = oauthHeader(req.headers.authorization ?? '');
  const body = raw.toString('utf8');
  const oauth = new OAuth({
    consumer: { key: KEY, secret: SECRET },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
    body_hash_function: (data) => createHash('sha1').update(data, 'utf8').digest('base64'),
  });
  Object.assign(oauth, { getNonce: () => header.oauth_nonce, getTimeStamp: () => Number(header.oauth_timestamp) });
  const expected = oauth.authorize({ url: `${serviceUrl}${req.url!.includes('?') ? req.url!.slice(req.url!.indexOf('?')) : ''}`, method: 'POST', data: body, includeBodyHash: true });
  return {
    contentLength: Number(req.headers['content-length']),
    bytes: raw.length,
    body,
    signatureValid: header.oauth_consumer_key === KEY && expected.oauth_signature === header.oauth_signature,
    bodyHashValid: (expected as unknown as { oauth_body_hash: string }).oauth_body_hash === header.oauth_body_hash,
    contentType: req.headers['content-type'],
  };
}

beforeAll(async () => {
  await createConsumer(secretBox, { key: KEY, secret: SECRET });
  await createConsumer(secretBox, { key: 'switched-off', secret: 'switched-off-secret-000' });
  await setConsumerDisabled('switched-off', true);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(verify(req, Buffer.concat(chunks)));
      res.writeHead(answer.status, { 'Content-Type': 'application/xml' }).end(answer.status === 200 ? pox(answer.codeMajor) : 'Internal error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mod/lti/service.php`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  answer = { status: 200, codeMajor: 'success' };
});

const target = (overrides: Partial<Lti11OutcomeTarget> = {}): Lti11OutcomeTarget => ({ kind: 'lti11', consumerKey: KEY, serviceUrl, sourcedId: '{"data":{"instanceid":"3","userid":"42"},"hash":"abc"}', ...overrides });

describe('sending LTI 1.1 outcomes', () => {
  test('replaceResult with Chinese result text: signed with a body hash, Content-Length in bytes', async () => {
    const text = '已完成《新任班主任岗位职责》，学时 2 小时 & 通过';
    const result = await sendLti11Outcome(target(), 0.85, { secretBox, resultDataText: text });
    expect(result).toMatchObject({ ok: true, status: 200, codeMajor: 'success', description: 'Score saved' });
    const [request] = received;
    expect(request!.signatureValid).toBe(true);
    expect(request!.bodyHashValid).toBe(true);
    expect(request!.contentLength).toBe(request!.bytes);
    expect(request!.bytes).toBe(Buffer.byteLength(request!.body, 'utf8'));
    expect(request!.bytes).toBeGreaterThan(request!.body.length);
    expect(request!.contentType).toMatch(/^application\/xml/);
    expect(request!.body).toContain('<replaceResultRequest>');
    expect(request!.body).toContain('<textString>0.85</textString>');
    expect(request!.body).toContain('<sourcedId>{"data":{"instanceid":"3","userid":"42"},"hash":"abc"}</sourcedId>');
    expect(request!.body).toContain('<text>已完成《新任班主任岗位职责》，学时 2 小时 &amp; 通过</text>');
  });

  test('a query string on the service URL is signed too', async () => {
    const result = await sendLti11Outcome(target({ serviceUrl: `${serviceUrl}?course=7&lang=zh` }), 1, { secretBox });
    expect(result.ok).toBe(true);
    expect(received[0]!.signatureValid).toBe(true);
    expect(received[0]!.body).not.toContain('<resultData>');
  });

  test('the LMS saying failure is returned with its description, not thrown', async () => {
    answer = { status: 200, codeMajor: 'failure' };
    const result = await sendLti11Outcome(target(), 0.5, { secretBox });
    expect(result).toMatchObject({ ok: false, status: 200, codeMajor: 'failure', description: '成绩无法保存' });
  });

  test('an HTTP error is returned with status and body', async () => {
    answer = { status: 500, codeMajor: 'success' };
    const result = await sendLti11Outcome(target(), 0.5, { secretBox });
    expect(result).toMatchObject({ ok: false, status: 500, body: 'Internal error' });
  });

  test('a network failure rejects, so the queue retries', async () => {
    await expect(sendLti11Outcome(target({ serviceUrl: 'http://127.0.0.1:1/outcomes' }), 0.5, { secretBox })).rejects.toThrow();
  });

  test('what cannot be sent is refused before any request: out-of-range score, unknown or disabled consumer', async () => {
    await expect(sendLti11Outcome(target(), 1.2, { secretBox })).rejects.toBeInstanceOf(Lti11OutcomeError);
    await expect(sendLti11Outcome(target({ consumerKey: 'nobody' }), 0.5, { secretBox })).rejects.toBeInstanceOf(Lti11OutcomeError);
    await expect(sendLti11Outcome(target({ consumerKey: 'switched-off' }), 0.5, { secretBox })).rejects.toBeInstanceOf(Lti11OutcomeError);
    expect(received).toHaveLength(0);
  });
});
