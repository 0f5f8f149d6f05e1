import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { z } from 'zod';
import { spendNonce } from './login';
import { addPlatform, PlatformExistsError, PlatformInputError, type Platform } from './platforms';
import { registrationRequest } from './tool-configuration';

/**
 * LTI Dynamic Registration (1EdTech LTI Dynamic Registration 1.0): the platform opens
 * `/lti/register?openid_configuration=…&registration_token=…`; Shixun reads the platform's
 * configuration, posts its own, and stores the platform.
 *
 * A registered platform can launch people with any role, admin included, so nobody may register
 * one without a Shixun admin's say-so: the URL an LMS admin pastes carries a one-time invitation
 * an admin created (`/admin/lti/platforms` or `shixun lti registration-url`), valid for a day.
 */
const inviteSchema = new Schema(
  {
    tokenHash: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'lti13_registration_invites', strict: 'throw', versionKey: false },
);
inviteSchema.index({ tokenHash: 1 }, { unique: true });

export const RegistrationInviteModel = mongoose.model('Lti13RegistrationInvite', inviteSchema);

export const INVITE_HOURS = 24;

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/** A one-time dynamic registration URL; only its hash is stored. */
export async function createRegistrationUrl(baseUrl: string, createdBy: string, now: Date): Promise<{ url: string; expiresAt: Date }> {
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + INVITE_HOURS * 3600_000);
  await RegistrationInviteModel.deleteMany({ expiresAt: { $lt: now } });
  await RegistrationInviteModel.create({ tokenHash: hashOf(token), createdBy, createdAt: now, expiresAt });
  return { url: `${baseUrl}/lti/register?invite=${token}`, expiresAt };
}

export type RegistrationFailure = 'invite-invalid' | 'registration-params' | 'openid-configuration' | 'registration-refused';

export class RegistrationError extends Error {
  constructor(
    readonly reason: RegistrationFailure,
    readonly detail: string,
  ) {
    super(`dynamic registration failed (${reason}): ${detail}`);
    this.name = 'RegistrationError';
  }
}

const paramsSchema = z.object({
  invite: z.string().min(1).max(200),
  openid_configuration: z.url({ protocol: /^https?$/ }),
  registration_token: z.string().max(4000).optional(),
});

const openIdConfigurationSchema = z.object({
  issuer: z.url({ protocol: /^https?$/ }),
  authorization_endpoint: z.url({ protocol: /^https?$/ }),
  token_endpoint: z.url({ protocol: /^https?$/ }),
  jwks_uri: z.url({ protocol: /^https?$/ }),
  registration_endpoint: z.url({ protocol: /^https?$/ }),
  'https://purl.imsglobal.org/spec/lti-platform-configuration': z.object({ product_family_code: z.string().optional() }).loose().optional(),
});

const registrationResponseSchema = z.object({
  client_id: z.string().min(1),
  'https://purl.imsglobal.org/spec/lti-tool-configuration': z.object({ deployment_id: z.string().min(1).optional() }).loose().optional(),
});

async function fetchJson(url: string, init: RequestInit, failure: RegistrationFailure): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000), redirect: 'error' });
  } catch (error) {
    throw new RegistrationError(failure, `${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new RegistrationError(failure, `${url} answered ${response.status}: ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RegistrationError(failure, `${url} did not answer JSON`);
  }
}

/** Runs one dynamic registration end to end; the invitation is spent only when the platform is stored. */
export async function registerDynamically(raw: unknown, options: { baseUrl: string; now: Date }): Promise<Platform> {
  const params = paramsSchema.safeParse(raw);
  if (!params.success) throw new RegistrationError('registration-params', params.error.issues.map((issue) => issue.path.join('.')).join(', '));
  const invite = await RegistrationInviteModel.findOne({ tokenHash: hashOf(params.data.invite) }).lean<{ tokenHash: string; expiresAt: Date }>();
  if (!invite || invite.expiresAt.getTime() < options.now.getTime()) throw new RegistrationError('invite-invalid', 'unknown or expired invitation');

  const configuration = openIdConfigurationSchema.safeParse(await fetchJson(params.data.openid_configuration, { headers: { Accept: 'application/json' } }, 'openid-configuration'));
  if (!configuration.success) throw new RegistrationError('openid-configuration', configuration.error.issues.map((issue) => issue.path.join('.')).join(', '));
  const platformConfig = configuration.data;
  // The configuration must be the issuer's own (Dynamic Registration §3.4).
  if (!params.data.openid_configuration.startsWith(platformConfig.issuer)) {
    throw new RegistrationError('openid-configuration', `issuer ${platformConfig.issuer} does not match ${params.data.openid_configuration}`);
  }

  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (params.data.registration_token) headers.Authorization = `Bearer ${params.data.registration_token}`;
  const answer = registrationResponseSchema.safeParse(
    await fetchJson(platformConfig.registration_endpoint, { method: 'POST', headers, body: JSON.stringify(registrationRequest(options.baseUrl)) }, 'registration-refused'),
  );
  if (!answer.success) throw new RegistrationError('registration-refused', 'the platform answered without a client_id');

  if (!(await spendNonce(`registration-invite:${invite.tokenHash}`, options.now))) throw new RegistrationError('invite-invalid', 'invitation already used');
  const deploymentId = answer.data['https://purl.imsglobal.org/spec/lti-tool-configuration']?.deployment_id;
  // The invitation is already spent: a platform the tool cannot store ends as a refusal the admin reads, not a server error.
  let platform: Platform;
  try {
    platform = await addPlatform(
      {
        issuer: platformConfig.issuer,
        clientId: answer.data.client_id,
        deploymentIds: deploymentId ? [deploymentId] : [],
        authUrl: platformConfig.authorization_endpoint,
        tokenUrl: platformConfig.token_endpoint,
        jwksUrl: platformConfig.jwks_uri,
        name: platformConfig['https://purl.imsglobal.org/spec/lti-platform-configuration']?.product_family_code,
      },
      'dynamic',
      options.now,
      { allowNoDeployment: true },
    );
  } catch (error) {
    if (error instanceof PlatformExistsError || error instanceof PlatformInputError) throw new RegistrationError('registration-refused', error.message);
    throw error;
  }
  await RegistrationInviteModel.deleteOne({ tokenHash: invite.tokenHash });
  return platform;
}
