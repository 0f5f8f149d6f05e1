import type { Request } from 'express';
import { Provider } from 'ims-lti';
import type { SecretBox } from '../../keys';
import type { VerifiedLaunch } from '../launch';
import { mapLmsRoles, splitLti11Roles } from '../roles';
import type { LaunchRefusal } from '../routes';
import { consumerWithSecret, findConsumerOrigin } from './consumers';
import { MongoNonceStore, timestampSkewSeconds } from './nonces';
import { VerifyingSigner, type OAuthParams } from './oauth';
import { personName } from '../person-name';

const LAUNCH_MESSAGE_TYPES = ['basic-lti-launch-request', 'ContentItemSelectionRequest'] as const;

/** Every reason a 1.1 launch is refused; the error page shows `lti11.refusal.<reason>`. */
export type Lti11RefusalReason =
  | 'missing-oauth-parameters'
  | 'unsupported-signature-method'
  | 'unknown-consumer'
  | 'consumer-disabled'
  | 'unsupported-message-type'
  | 'unsupported-version'
  | 'missing-parameters'
  | 'invalid-parameters'
  | 'bad-signature'
  | 'nonce-reused'
  | 'timestamp-stale'
  | 'timestamp-future'
  | 'timestamp-invalid';

export type Lti11Verdict = { ok: true; launch: VerifiedLaunch } | { ok: false; refusal: LaunchRefusal };

/**
 * ims-lti's Provider with its parameter check replaced: it knows only `basic-lti-launch-request`,
 * and Shixun has already checked the parameters (with reasons) before the signature.
 */
class Lti11Provider extends Provider {
  protected override _valid_parameters(): boolean {
    return true;
  }
}

function refuse(reason: Lti11RefusalReason, source: string | undefined, details: Record<string, unknown> = {}): Lti11Verdict {
  return { ok: false, refusal: { version: '1.1', reason, source, details } };
}

const OAUTH_REQUIRED = ['oauth_consumer_key', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp', 'oauth_nonce'] as const;

/**
 * Verifies an LTI 1.1 launch (or Content-Item selection request) and maps it to a
 * `VerifiedLaunch`. Order: OAuth fields, consumer, LTI fields, then ims-lti's signature check
 * (through `VerifyingSigner`) and the nonce store, so an unsigned request never uses up a nonce.
 */
export async function verifyLti11Launch(req: Request, secretBox: SecretBox, now: Date): Promise<Lti11Verdict> {
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as OAuthParams;
  const single = (name: string): string | undefined => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  const key = single('oauth_consumer_key');
  const messageType = single('lti_message_type');

  const missingOAuth = OAUTH_REQUIRED.filter((name) => !single(name));
  if (missingOAuth.length > 0) return refuse('missing-oauth-parameters', key, { missing: missingOAuth, messageType });
  if (single('oauth_signature_method') !== 'HMAC-SHA1') return refuse('unsupported-signature-method', key, { signatureMethod: single('oauth_signature_method') });
  if (body.oauth_version !== undefined && single('oauth_version') !== '1.0') return refuse('unsupported-signature-method', key, { oauthVersion: body.oauth_version });

  const consumer = await consumerWithSecret(secretBox, key!);
  if (!consumer) return refuse('unknown-consumer', key);
  if (consumer.disabledAt) return refuse('consumer-disabled', key, { disabledAt: consumer.disabledAt });

  if (!LAUNCH_MESSAGE_TYPES.includes(messageType as (typeof LAUNCH_MESSAGE_TYPES)[number])) return refuse('unsupported-message-type', key, { messageType: body.lti_message_type });
  if (single('lti_version') !== 'LTI-1p0') return refuse('unsupported-version', key, { ltiVersion: body.lti_version, messageType });
  const deepLinking = messageType === 'ContentItemSelectionRequest';
  const required = ['user_id', deepLinking ? 'content_item_return_url' : 'resource_link_id'];
  const missing = required.filter((name) => !single(name)?.trim());
  if (missing.length > 0) return refuse('missing-parameters', key, { missing, messageType });
  const invalid = invalidUrls(body, ['lis_outcome_service_url', 'content_item_return_url', 'launch_presentation_return_url']);
  if (invalid.length > 0) return refuse('invalid-parameters', key, { invalid, messageType });

  const signer = new VerifyingSigner();
  const nonces = new MongoNonceStore(consumer.key, now);
  const provider = new Lti11Provider(consumer.key, consumer.secret, nonces, signer);
  await new Promise<void>((resolve, reject) => {
    provider.valid_request(req, body, () => (nonces.failure ? reject(nonces.failure as Error) : resolve()));
  });
  const evidence = { messageType, url: signer.url, timestampSkewSeconds: timestampSkewSeconds(single('oauth_timestamp')!, now) };
  // ims-lti consults the nonce store only once the signature matched.
  if (nonces.verdict === undefined) return refuse('bad-signature', key, { ...evidence, baseString: signer.baseString });
  if (nonces.verdict !== 'accepted') return refuse(nonces.verdict, key, evidence);

  return { ok: true, launch: toVerifiedLaunch(body, single, consumer, deepLinking) };
}

/** Names of URL parameters present but not http(s): they are later fetched, posted to or linked. */
function invalidUrls(body: OAuthParams, names: readonly string[]): string[] {
  return names.filter((name) => {
    const value = body[name];
    if (value === undefined || value === '') return false;
    if (typeof value !== 'string') return true;
    try {
      return !['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return true;
    }
  });
}


function toVerifiedLaunch(
  body: OAuthParams,
  single: (name: string) => string | undefined,
  consumer: { key: string; allowedOrigins: string[] },
  deepLinking: boolean,
): VerifiedLaunch {
  const lmsRoles = splitLti11Roles(single('roles'));
  const contextId = single('context_id');
  const resourceLinkId = single('resource_link_id');
  const serviceUrl = single('lis_outcome_service_url');
  const sourcedId = single('lis_result_sourcedid');
  const moduleId = (single('custom_module') ?? single('custom_module_id'))?.trim();
  return {
    version: '1.1',
    provider: `lti11:${consumer.key}`,
    subject: single('user_id')!,
    displayName: personName(single('lis_person_name_given'), single('lis_person_name_family'), single('lis_person_name_full')),
    email: single('lis_person_contact_email_primary')?.trim() || undefined,
    schoolCode: single('custom_school_code')?.trim() || undefined,
    roles: mapLmsRoles(lmsRoles),
    lmsRoles,
    context: contextId ? { id: contextId, title: single('context_title') ?? single('context_label') } : undefined,
    resourceLink: resourceLinkId ? { id: resourceLinkId, title: single('resource_link_title') } : undefined,
    moduleId: moduleId || undefined,
    kind: deepLinking ? 'deep-linking' : 'resource',
    outcome: serviceUrl && sourcedId ? { kind: 'lti11', consumerKey: consumer.key, serviceUrl, sourcedId } : undefined,
    deepLinking: deepLinking ? { returnUrl: single('content_item_return_url')!, data: single('data'), acceptMultiple: single('accept_multiple') === 'true' } : undefined,
    platformOrigin: findConsumerOrigin(consumer, [single('launch_presentation_return_url'), single('tool_consumer_instance_url'), single('content_item_return_url'), serviceUrl]),
  };
}
