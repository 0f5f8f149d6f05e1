import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The LTI 1.1 → 1.3 migration claim (LTI 1.3 Migration Guide §2): the platform vouches for the
 * person's 1.1 `user_id` under a 1.1 consumer key, and proves it knows that consumer's secret with
 * `oauth_consumer_key_sign` = base64(HMAC-SHA256(secret,
 * `oauth_consumer_key&deployment_id&iss&client_id&exp&nonce`)).
 */
export interface Lti1p1Claim {
  user_id?: string;
  oauth_consumer_key?: string;
  oauth_consumer_key_sign?: string;
  resource_link_id?: string;
}

export function lti1p1BaseString(fields: { consumerKey: string; deploymentId: string; issuer: string; clientId: string; exp: number; nonce: string }): string {
  return [fields.consumerKey, fields.deploymentId, fields.issuer, fields.clientId, String(fields.exp), fields.nonce].join('&');
}

export function signLti1p1(baseString: string, consumerSecret: string): string {
  return createHmac('sha256', consumerSecret).update(baseString, 'utf8').digest('base64');
}

export function lti1p1SignatureValid(claimed: string, baseString: string, consumerSecret: string): boolean {
  const expected = Buffer.from(signLti1p1(baseString, consumerSecret));
  const given = Buffer.from(claimed);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
