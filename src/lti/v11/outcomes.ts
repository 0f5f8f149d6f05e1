import { createHash, randomUUID } from 'node:crypto';
import type { SecretBox } from '../../keys';
import type { Lti11OutcomeTarget } from '../launch';
import { consumerWithSecret } from './consumers';
import { oauthAuthorizationHeader, signOutgoing } from './oauth';

/** What the LMS answered to a `replaceResult`: the HTTP status, the body, and the POX status it carries. */
export interface Lti11OutcomeAnswer {
  /** True only for an HTTP 2xx whose `imsx_codeMajor` is `success`. */
  ok: boolean;
  status: number;
  body: string;
  codeMajor?: string;
  description?: string;
}

/** Sending is impossible on Shixun's side (unknown or disabled consumer, score out of range): retrying will not help. */
export class Lti11OutcomeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Lti11OutcomeError';
  }
}

const POX_NAMESPACE = 'http://www.imsglobal.org/services/ltiv1p1/xsd/imsoms_v1p0';

/** Escapes element content (never used in attributes). */
function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The LTI 1.1 Basic Outcomes `replaceResultRequest` POX document. */
export function replaceResultXml(sourcedId: string, scoreFraction: number, resultDataText: string | undefined, messageId: string): string {
  const resultData = resultDataText === undefined ? '' : `<resultData><text>${xmlText(resultDataText)}</text></resultData>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<imsx_POXEnvelopeRequest xmlns="${POX_NAMESPACE}">`,
    `<imsx_POXHeader><imsx_POXRequestHeaderInfo><imsx_version>V1.0</imsx_version><imsx_messageIdentifier>${xmlText(messageId)}</imsx_messageIdentifier></imsx_POXRequestHeaderInfo></imsx_POXHeader>`,
    '<imsx_POXBody><replaceResultRequest><resultRecord>',
    `<sourcedGUID><sourcedId>${xmlText(sourcedId)}</sourcedId></sourcedGUID>`,
    `<result><resultScore><language>en</language><textString>${scoreFraction}</textString></resultScore>${resultData}</result>`,
    '</resultRecord></replaceResultRequest></imsx_POXBody>',
    '</imsx_POXEnvelopeRequest>',
  ].join('\n');
}

function poxField(body: string, name: string): string | undefined {
  return new RegExp(`<(?:[\\w-]+:)?${name}>\\s*([^<]*?)\\s*</(?:[\\w-]+:)?${name}>`).exec(body)?.[1];
}

/**
 * Sends a score (0..1, and optionally a text shown in the gradebook) to an LTI 1.1 outcome
 * service, as `replaceResult` signed with OAuth 1.0a and a body hash for the target's consumer.
 * Any HTTP answer is returned, never thrown, so the passback queue can show it and decide on a
 * retry; a network failure or timeout rejects.
 *
 * ims-lti's OutcomeService is not used: it sets `Content-Length` to the string's length in
 * characters (too short for Chinese result text, so the LMS reads a truncated document), hides
 * the HTTP status, and has no timeout. The body is sent as bytes, and fetch counts them.
 */
export async function sendLti11Outcome(
  target: Lti11OutcomeTarget,
  scoreFraction: number,
  options: { secretBox: SecretBox; resultDataText?: string; now?: Date; timeoutMs?: number },
): Promise<Lti11OutcomeAnswer> {
  if (!Number.isFinite(scoreFraction) || scoreFraction < 0 || scoreFraction > 1) throw new Lti11OutcomeError(`score must be between 0 and 1, not ${scoreFraction}`);
  const consumer = await consumerWithSecret(options.secretBox, target.consumerKey);
  if (!consumer) throw new Lti11OutcomeError(`no LTI 1.1 consumer with key ${target.consumerKey}`);
  if (consumer.disabledAt) throw new Lti11OutcomeError(`the LTI 1.1 consumer ${target.consumerKey} is disabled`);

  const body = Buffer.from(replaceResultXml(target.sourcedId, scoreFraction, options.resultDataText, randomUUID()), 'utf8');
  const bodyHash = createHash('sha1').update(body).digest('base64');
  const signed = signOutgoing({
    method: 'POST',
    url: target.serviceUrl,
    consumerKey: consumer.key,
    consumerSecret: consumer.secret,
    params: { oauth_body_hash: bodyHash },
    now: options.now ?? new Date(),
  });
  const response = await fetch(target.serviceUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/xml; charset=utf-8', Authorization: oauthAuthorizationHeader({ oauth_body_hash: bodyHash, ...signed }) },
    body,
    redirect: 'error',
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  const codeMajor = poxField(text, 'imsx_codeMajor');
  return { ok: response.ok && codeMajor === 'success', status: response.status, body: text.slice(0, 4000), codeMajor, description: poxField(text, 'imsx_description') };
}
