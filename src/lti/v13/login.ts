import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { z } from 'zod';
import { findPlatformsByIssuer, type Platform } from './platforms';

/**
 * OIDC third-party initiated login (Security Framework §5.1.1): the platform names the issuer and
 * user; Shixun picks the registration, makes a one-time `state` and `nonce`, and sends the browser
 * to the platform's auth endpoint. The id_token that comes back must carry that nonce and be
 * posted with that state.
 *
 * Browser binding: a random secret in a cookie (`BROWSER_COOKIE`); the state record keeps its
 * hash. When the browser blocks third-party cookies (Shixun in an LMS iframe) the cookie never
 * arrives: the launch is then bound by the one-time nonce and the unguessable state alone, and the
 * diagnostics record says so (`stateBinding: 'nonce-only'`). A cookie that arrives but differs is
 * always refused.
 */
// The state and the nonce are the documents' `_id`s: FerretDB v1 answers only `_id` look-ups from an
// index, and a launch must not scan every pending login.
const loginStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    nonce: { type: String, required: true },
    platformId: { type: Schema.Types.ObjectId, required: true },
    /** sha256 of the browser secret cookie, when the login could set one. */
    browserHash: { type: String, required: true },
    targetLinkUri: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'lti13_login_states', strict: 'throw', versionKey: false },
);
loginStateSchema.index({ expiresAt: 1 });

/**
 * A nonce is spent by inserting it under a unique index: on FerretDB v1 the only write that stays
 * one-time when the same id_token is posted twice at once.
 */
const usedNonceSchema = new Schema(
  {
    _id: { type: String, required: true },
    usedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'lti13_used_nonces', strict: 'throw', versionKey: false },
);
usedNonceSchema.index({ expiresAt: 1 });

export const LoginStateModel = mongoose.model('Lti13LoginState', loginStateSchema);
export const UsedNonceModel = mongoose.model('Lti13UsedNonce', usedNonceSchema);

export interface LoginState {
  /** The state value itself. */
  _id: string;
  nonce: string;
  platformId: mongoose.Types.ObjectId;
  browserHash: string;
  targetLinkUri: string;
  createdAt: Date;
  expiresAt: Date;
}

/** The cookie holding the browser secret a state is bound to. */
export const BROWSER_COOKIE = 'shixun.lti13';
/** How long a login may take between Shixun's redirect and the platform's id_token post. */
export const LOGIN_STATE_MINUTES = 10;
/** Spent nonces are kept well past any id_token's lifetime, so a replay is recognised as one. */
const USED_NONCE_HOURS = 24;

const loginParamsSchema = z.object({
  iss: z.string().min(1).max(2000),
  login_hint: z.string().min(1).max(2000),
  target_link_uri: z.string().min(1).max(2000),
  lti_message_hint: z.string().max(4000).optional(),
  client_id: z.string().min(1).max(255).optional(),
  lti_deployment_id: z.string().min(1).max(255).optional(),
});

export type LoginRefusalReason = 'login-invalid' | 'unknown-issuer' | 'client-id-required' | 'unknown-client-id' | 'unknown-deployment' | 'bad-target-link-uri';

export class LoginRefusal extends Error {
  constructor(
    readonly reason: LoginRefusalReason,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`LTI 1.3 login refused: ${reason}`);
    this.name = 'LoginRefusal';
  }
}

export interface LoginRedirect {
  /** The platform auth endpoint with the authentication request's parameters. */
  location: string;
  platform: Platform;
  state: string;
}

export function hashBrowserSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function newBrowserSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** True when `target` is one of this tool's own URLs (same origin, under the base path). */
export function isToolUrl(target: string, baseUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  return url.origin === base.origin && (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`));
}

/**
 * Checks a login initiation and records a one-time state and nonce. `browserSecret` is the value of
 * the browser cookie (the caller sets a new one when there was none).
 */
export async function beginLogin(
  raw: unknown,
  options: { baseUrl: string; browserSecret: string; now: Date },
): Promise<LoginRedirect> {
  const parsed = loginParamsSchema.safeParse(raw);
  if (!parsed.success) throw new LoginRefusal('login-invalid', { missing: parsed.error.issues.map((issue) => issue.path.join('.')) });
  const params = parsed.data;
  const registrations = await findPlatformsByIssuer(params.iss);
  if (registrations.length === 0) throw new LoginRefusal('unknown-issuer', { iss: params.iss });
  let platform: Platform | undefined;
  if (params.client_id) {
    platform = registrations.find((candidate) => candidate.clientId === params.client_id);
    if (!platform) throw new LoginRefusal('unknown-client-id', { iss: params.iss, client_id: params.client_id });
  } else if (registrations.length === 1) {
    platform = registrations[0];
  } else {
    throw new LoginRefusal('client-id-required', { iss: params.iss, registrations: registrations.length });
  }
  if (!platform) throw new LoginRefusal('unknown-issuer', { iss: params.iss });
  if (params.lti_deployment_id && !platform.deploymentIds.includes(params.lti_deployment_id)) {
    throw new LoginRefusal('unknown-deployment', { iss: params.iss, client_id: platform.clientId, deployment_id: params.lti_deployment_id });
  }
  if (!isToolUrl(params.target_link_uri, options.baseUrl)) {
    throw new LoginRefusal('bad-target-link-uri', { target_link_uri: params.target_link_uri, expected: options.baseUrl });
  }

  const state = randomBytes(24).toString('base64url');
  const nonce = randomBytes(24).toString('base64url');
  await sweepExpired(options.now);
  await LoginStateModel.create({
    _id: state,
    nonce,
    platformId: platform._id,
    browserHash: hashBrowserSecret(options.browserSecret),
    targetLinkUri: params.target_link_uri,
    createdAt: options.now,
    expiresAt: new Date(options.now.getTime() + LOGIN_STATE_MINUTES * 60_000),
  });

  const location = new URL(platform.authUrl);
  const query: Record<string, string | undefined> = {
    scope: 'openid',
    response_type: 'id_token',
    response_mode: 'form_post',
    prompt: 'none',
    client_id: platform.clientId,
    redirect_uri: `${options.baseUrl}/lti/launch`,
    login_hint: params.login_hint,
    lti_message_hint: params.lti_message_hint,
    state,
    nonce,
  };
  for (const [name, value] of Object.entries(query)) if (value !== undefined) location.searchParams.set(name, value);
  return { location: location.toString(), platform, state };
}

export async function findLoginState(state: string): Promise<LoginState | null> {
  return LoginStateModel.findById(state).lean<LoginState>();
}

/** Spends a nonce; false when it was spent before (a replayed id_token). */
export async function spendNonce(nonce: string, now: Date): Promise<boolean> {
  try {
    await UsedNonceModel.create({ _id: nonce, usedAt: now, expiresAt: new Date(now.getTime() + USED_NONCE_HOURS * 3600_000) });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false;
    throw error;
  }
}

let lastSweepAt = 0;
const SWEEP_EVERY_MS = 60_000;

/**
 * FerretDB v1 has no TTL indexes, so logins clear what has expired, at most once a minute per
 * process: the sweep scans, and doing it on every login made launches slower as traffic grew.
 */
async function sweepExpired(now: Date): Promise<void> {
  if (Math.abs(now.getTime() - lastSweepAt) < SWEEP_EVERY_MS) return;
  lastSweepAt = now.getTime();
  await LoginStateModel.deleteMany({ expiresAt: { $lt: now } });
  await UsedNonceModel.deleteMany({ expiresAt: { $lt: now } });
}
