import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Keyring } from '../../keys';
import { CLAIM, MESSAGE_TYPES } from '../v13/claims';

/** A module the trainer picked, as the LMS will link it. */
export interface PickedModule {
  moduleId: string;
  title: string;
  text?: string;
  /** Graded modules ask the platform for a gradebook column. */
  graded: boolean;
}

/** An auto-submitting form: post `fields` to `action` from the person's browser. */
export interface FormPost {
  action: string;
  fields: Record<string, string>;
}

/** Score maximum of the line items Shixun asks for: scores are sent as percentages. */
export const SCORE_MAXIMUM = 100;

/**
 * The `LtiDeepLinkingResponse` (Deep Linking 2.0 §4.2) as a JWT signed with the tool's current key:
 * iss = the client id, aud = the platform's issuer, the launch's deployment, the platform's `data`
 * echoed unchanged, and one `ltiResourceLink` per module carrying custom `module` (and a `lineItem`
 * when graded, without which the platform makes no gradebook column).
 */
export async function buildDeepLinkingResponse(options: {
  keyring: Keyring;
  clientId: string;
  issuer: string;
  deploymentId: string;
  returnUrl: string;
  data?: string;
  launchUrl: string;
  items: readonly PickedModule[];
  now: Date;
}): Promise<FormPost> {
  const key = await options.keyring.current();
  const issuedAt = Math.floor(options.now.getTime() / 1000);
  const claims: Record<string, unknown> = {
    nonce: randomUUID(),
    [CLAIM.messageType]: MESSAGE_TYPES.deepLinkingResponse,
    [CLAIM.version]: '1.3.0',
    [CLAIM.deploymentId]: options.deploymentId,
    [CLAIM.deepLinkingContentItems]: options.items.map((item) => ({
      type: 'ltiResourceLink',
      title: item.title,
      ...(item.text ? { text: item.text } : {}),
      url: options.launchUrl,
      custom: { module: item.moduleId },
      ...(item.graded ? { lineItem: { scoreMaximum: SCORE_MAXIMUM, label: item.title, resourceId: item.moduleId } } : {}),
    })),
  };
  if (options.data !== undefined) claims[CLAIM.deepLinkingData] = options.data;
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(options.clientId)
    .setAudience(options.issuer)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 600)
    .sign(key.privateKey);
  return { action: options.returnUrl, fields: { JWT: jwt } };
}
