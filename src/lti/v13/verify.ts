import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { SecretBox } from '../../keys';
import type { AgsOutcomeTarget, VerifiedLaunch } from '../launch';
import type { LaunchRefusal } from '../routes';
import { mapLmsRoles } from '../roles';
import { consumerWithSecret } from '../v11';
import { CLAIM, MESSAGE_TYPES } from './claims';
import { platformKeySet } from './keysets';
import { findLoginState, hashBrowserSecret, isToolUrl, spendNonce } from './login';
import { lti1p1BaseString, lti1p1SignatureValid, type Lti1p1Claim } from './migration';
import { findPlatformsByIssuer, originOf, providerOf, type Platform } from './platforms';
import { personName } from '../person-name';

/** Small leeway for platform clocks (Security Framework §5.1.3: "a few minutes" at most). */
export const CLOCK_TOLERANCE_SECONDS = 60;
/** An id_token older than this is refused even when its `exp` is later. */
const MAX_TOKEN_AGE_SECONDS = 10 * 60;

export type Lti13RefusalReason =
  | 'no-id-token'
  | 'malformed-token'
  | 'bad-algorithm'
  | 'no-kid'
  | 'unknown-kid'
  | 'unknown-issuer'
  | 'bad-audience'
  | 'missing-azp'
  | 'bad-signature'
  | 'expired'
  | 'bad-iat'
  | 'bad-claims'
  | 'no-state'
  | 'unknown-state'
  | 'state-expired'
  | 'state-mismatch'
  | 'missing-nonce'
  | 'nonce-mismatch'
  | 'nonce-reused'
  | 'missing-deployment-id'
  | 'unknown-deployment'
  | 'bad-version'
  | 'bad-message-type'
  | 'missing-roles'
  | 'missing-sub'
  | 'missing-resource-link'
  | 'missing-target-link-uri'
  | 'bad-target-link-uri'
  | 'missing-deep-linking-settings'
  | 'platform-unreachable';

export type Lti13Verdict = { ok: true; launch: VerifiedLaunch; platform: Platform } | { ok: false; refusal: LaunchRefusal };

export interface VerifyInput {
  idToken: unknown;
  state: unknown;
  /** The browser secret cookie, when the browser sent it (not in a third-party-cookie-blocking iframe). */
  browserSecret?: string;
  now: Date;
  baseUrl: string;
  secretBox: SecretBox;
}

class Refusal extends Error {
  constructor(
    readonly reason: Lti13RefusalReason,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

/** What an LMS admin sees for a refused launch: the decoded header and claims, never the token itself. */
function evidence(header: ProtectedHeaderParameters | undefined, claims: JWTPayload | undefined, now: Date): Record<string, unknown> {
  if (!claims) return header ? { header: { alg: header.alg, kid: header.kid, typ: header.typ } } : {};
  const pick = (name: string) => claims[name];
  return {
    header: header ? { alg: header.alg, kid: header.kid, typ: header.typ } : undefined,
    claims: {
      iss: claims.iss,
      aud: claims.aud,
      azp: pick('azp'),
      sub: claims.sub,
      iat: claims.iat,
      exp: claims.exp,
      message_type: pick(CLAIM.messageType),
      version: pick(CLAIM.version),
      deployment_id: pick(CLAIM.deploymentId),
      target_link_uri: pick(CLAIM.targetLinkUri),
      roles: pick(CLAIM.roles),
      resource_link: pick(CLAIM.resourceLink),
    },
    /** Positive: the platform's clock is ahead of Shixun's. */
    clockSkewSeconds: typeof claims.iat === 'number' ? claims.iat - Math.floor(now.getTime() / 1000) : undefined,
  };
}

/**
 * Verifies an LTI 1.3 id_token post (Security Framework §5.1.3, Core §5.3): signature (RS256,
 * platform JWKS), issuer, audience/azp, times, state and nonce from Shixun's login, deployment,
 * and the required LTI claims. Either a `VerifiedLaunch` or a refusal with its evidence.
 */
export async function verifyLti13Launch(input: VerifyInput): Promise<Lti13Verdict> {
  let header: ProtectedHeaderParameters | undefined;
  let claims: JWTPayload | undefined;
  try {
    if (typeof input.idToken !== 'string' || input.idToken.length === 0) throw new Refusal('no-id-token');
    try {
      header = decodeProtectedHeader(input.idToken);
      claims = decodeJwt(input.idToken);
    } catch {
      throw new Refusal('malformed-token');
    }
    const { launch, platform } = await verifyDecoded(input, input.idToken, header, claims);
    return { ok: true, launch, platform };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const source = typeof claims?.iss === 'string' ? claims.iss : undefined;
    return { ok: false, refusal: { version: '1.3', reason: error.reason, source, details: { ...evidence(header, claims, input.now), ...error.extra } } };
  }
}

async function verifyDecoded(input: VerifyInput, idToken: string, header: ProtectedHeaderParameters, unverified: JWTPayload): Promise<{ launch: VerifiedLaunch; platform: Platform }> {
  if (header.alg !== 'RS256') throw new Refusal('bad-algorithm');
  if (!header.kid) throw new Refusal('no-kid');
  if (typeof unverified.iss !== 'string') throw new Refusal('unknown-issuer');
  const registrations = await findPlatformsByIssuer(unverified.iss);
  if (registrations.length === 0) throw new Refusal('unknown-issuer');
  const audiences = typeof unverified.aud === 'string' ? [unverified.aud] : Array.isArray(unverified.aud) ? unverified.aud : [];
  const azp = unverified.azp;
  // With several audiences the authorized party names which one the token is for (OIDC Core §2).
  if (audiences.length > 1 && typeof azp !== 'string') throw new Refusal('missing-azp');
  const clientId = typeof azp === 'string' ? azp : audiences[0];
  const platform = registrations.find((candidate) => candidate.clientId === clientId && audiences.includes(candidate.clientId));
  if (!platform) throw new Refusal('bad-audience');

  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(idToken, platformKeySet(platform.jwksUrl), {
      algorithms: ['RS256'],
      issuer: platform.issuer,
      audience: platform.clientId,
      currentDate: input.now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      requiredClaims: ['iat', 'exp'],
    }));
  } catch (error) {
    throw new Refusal(joseReason(error), { error: (error as Error).message });
  }

  await checkStateAndNonce(input, claims, platform);

  const deploymentId = claims[CLAIM.deploymentId];
  if (typeof deploymentId !== 'string' || deploymentId.length === 0) throw new Refusal('missing-deployment-id');
  if (!platform.deploymentIds.includes(deploymentId)) throw new Refusal('unknown-deployment');
  if (claims[CLAIM.version] !== '1.3.0') throw new Refusal('bad-version');
  const messageType = claims[CLAIM.messageType];
  if (messageType !== MESSAGE_TYPES.resourceLink && messageType !== MESSAGE_TYPES.deepLinkingRequest) throw new Refusal('bad-message-type');
  const lmsRoles = claims[CLAIM.roles];
  if (!Array.isArray(lmsRoles) || !lmsRoles.every((role) => typeof role === 'string')) throw new Refusal('missing-roles');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new Refusal('missing-sub');
  const targetLinkUri = claims[CLAIM.targetLinkUri];
  if (typeof targetLinkUri !== 'string' || targetLinkUri.length === 0) throw new Refusal('missing-target-link-uri');
  if (!isToolUrl(targetLinkUri, input.baseUrl)) throw new Refusal('bad-target-link-uri');

  const resourceLink = objectClaim(claims[CLAIM.resourceLink]);
  const isDeepLinking = messageType === MESSAGE_TYPES.deepLinkingRequest;
  if (!isDeepLinking && (typeof resourceLink?.id !== 'string' || resourceLink.id.length === 0)) throw new Refusal('missing-resource-link');
  const settings = objectClaim(claims[CLAIM.deepLinkingSettings]);
  // The picker posts the trainer's choice to this URL: only http(s) will do.
  if (isDeepLinking && (typeof settings?.deep_link_return_url !== 'string' || !originOf(settings.deep_link_return_url))) throw new Refusal('missing-deep-linking-settings');

  // Spent last, so a launch refused for another reason does not burn the nonce; a replay of an accepted one is refused.
  if (!(await spendNonce(claims.nonce as string, input.now))) throw new Refusal('nonce-reused');

  return { launch: await toVerifiedLaunch(claims, platform, lmsRoles as string[], deploymentId, input.secretBox), platform };
}

async function checkStateAndNonce(input: VerifyInput, claims: JWTPayload, platform: Platform): Promise<void> {
  if (typeof input.state !== 'string' || input.state.length === 0) throw new Refusal('no-state');
  const login = await findLoginState(input.state);
  if (!login || !login.platformId.equals(platform._id)) throw new Refusal('unknown-state');
  if (login.expiresAt.getTime() < input.now.getTime()) throw new Refusal('state-expired');
  // A cookie that came back must be the one the login set; none at all means third-party cookies are blocked.
  if (input.browserSecret !== undefined && hashBrowserSecret(input.browserSecret) !== login.browserHash) throw new Refusal('state-mismatch');
  if (typeof claims.nonce !== 'string' || claims.nonce.length === 0) throw new Refusal('missing-nonce');
  if (claims.nonce !== login.nonce) throw new Refusal('nonce-mismatch');
}

function joseReason(error: unknown): Lti13RefusalReason {
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown-kid';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID') return 'platform-unreachable';
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? 'bad-iat' : 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iat' || error.claim === 'nbf') return 'bad-iat';
    if (error.claim === 'exp') return 'expired';
    if (error.claim === 'aud') return 'bad-audience';
    if (error.claim === 'iss') return 'unknown-issuer';
    return 'bad-claims';
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed-token';
  // A JWKS that cannot be fetched or read is the platform's problem, not a forgery.
  return 'platform-unreachable';
}

function objectClaim(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringField(value: Record<string, unknown> | undefined, name: string): string | undefined {
  const field = value?.[name];
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

async function toVerifiedLaunch(claims: JWTPayload, platform: Platform, lmsRoles: string[], deploymentId: string, secretBox: SecretBox): Promise<VerifiedLaunch> {
  const context = objectClaim(claims[CLAIM.context]);
  const resourceLink = objectClaim(claims[CLAIM.resourceLink]);
  const custom = objectClaim(claims[CLAIM.custom]);
  const ags = objectClaim(claims[CLAIM.ags]);
  const nrps = objectClaim(claims[CLAIM.nrps]);
  const settings = objectClaim(claims[CLAIM.deepLinkingSettings]);
  const presentation = objectClaim(claims[CLAIM.launchPresentation]);
  const contextId = stringField(context, 'id');
  const resourceLinkId = stringField(resourceLink, 'id');
  const moduleId = stringField(custom, 'module');

  const scopes = Array.isArray(ags?.scope) ? ags.scope.filter((scope): scope is string => typeof scope === 'string') : [];
  const outcome: AgsOutcomeTarget | undefined =
    ags && (stringField(ags, 'lineitem') || stringField(ags, 'lineitems'))
      ? { kind: 'ags', platformId: platform._id.toString(), lineItemUrl: stringField(ags, 'lineitem'), lineItemsUrl: stringField(ags, 'lineitems'), scopes, resourceLinkId, resourceId: moduleId }
      : undefined;

  return {
    version: '1.3',
    provider: providerOf(platform),
    subject: claims.sub as string,
    displayName: personName(stringField(claims, 'given_name'), stringField(claims, 'family_name'), stringField(claims, 'name')),
    email: typeof claims.email === 'string' && claims.email.length > 0 ? claims.email : undefined,
    roles: mapLmsRoles(lmsRoles),
    lmsRoles,
    context: contextId ? { id: contextId, title: stringField(context, 'title') ?? stringField(context, 'label') } : undefined,
    resourceLink: resourceLinkId ? { id: resourceLinkId, title: stringField(resourceLink, 'title') } : undefined,
    moduleId,
    kind: claims[CLAIM.messageType] === MESSAGE_TYPES.deepLinkingRequest ? 'deep-linking' : 'resource',
    outcome,
    membershipsUrl: stringField(nrps, 'context_memberships_url'),
    migratedFrom: await migratedIdentity(claims, platform, deploymentId, secretBox),
    deepLinking: settings
      ? { returnUrl: settings.deep_link_return_url as string, data: stringField(settings, 'data'), acceptMultiple: settings.accept_multiple !== false && settings.accept_multiple !== 'false' }
      : undefined,
    platformOrigin: originOf(stringField(presentation, 'return_url') ?? platform.issuer) ?? originOf(platform.issuer),
    deploymentId,
  };
}

/**
 * The person's LTI 1.1 identity, when the platform proves with the 1.1 consumer's secret that it
 * speaks for that consumer. Without proof (unknown consumer, missing or wrong signature) the
 * launch proceeds as a new 1.3 identity: nobody may claim another consumer's users.
 */
async function migratedIdentity(claims: JWTPayload, platform: Platform, deploymentId: string, secretBox: SecretBox): Promise<VerifiedLaunch['migratedFrom']> {
  const claim = objectClaim(claims[CLAIM.lti1p1]) as Lti1p1Claim | undefined;
  const consumerKey = claim?.oauth_consumer_key;
  const userId = claim?.user_id;
  const signature = claim?.oauth_consumer_key_sign;
  if (!consumerKey || !userId || !signature || typeof claims.exp !== 'number' || typeof claims.nonce !== 'string') return undefined;
  const consumer = await consumerWithSecret(secretBox, consumerKey);
  if (!consumer) return undefined;
  const base = lti1p1BaseString({ consumerKey, deploymentId, issuer: platform.issuer, clientId: platform.clientId, exp: claims.exp, nonce: claims.nonce });
  if (!lti1p1SignatureValid(signature, base, consumer.secret)) return undefined;
  return { provider: `lti11:${consumerKey}`, subject: userId };
}
