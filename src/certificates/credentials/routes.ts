import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Keyring } from '../../keys';
import { DEFAULT_LANGUAGE, translatorFor } from '../../web/i18n';
import { VERIFICATION_CODE_PATTERN } from '../numbers';
import { credentialForCode, issuerProfile, signedStatusList, type SignedCredential } from './service';
import { issuerProfileUrl, jwksUrl } from './urls';
import { VC_JWT_MEDIA_TYPE } from './vc-jwt';

export interface CredentialRouteOptions {
  baseUrl: string;
  keyring: Keyring;
  /** The issuer's name as configured now (each credential carries the name frozen at issue). */
  issuerName: string;
  clock: () => Date;
}

/** Wallets and verifiers look these up without an account, often from another origin. */
function publicResource(res: Response, cacheControl: string): void {
  res.set({ 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': cacheControl });
}

/**
 * `Accept: application/vc+jwt` (or `application/jwt`) gets the compact JWS itself; anything else
 * gets JSON `{credential, compactJwsString}`. `?download=1` is for wallets: always the JWS, as a file.
 */
function sendSigned(req: Request, res: Response, signed: SignedCredential<unknown>, filename: string): void {
  const download = req.query.download === '1';
  const wantsJwt = download || [VC_JWT_MEDIA_TYPE, 'application/jwt'].includes(req.accepts(['application/json', VC_JWT_MEDIA_TYPE, 'application/jwt']) || '');
  res.vary('Accept');
  if (download) res.attachment(`${filename}.jwt`);
  if (wantsJwt) res.type(VC_JWT_MEDIA_TYPE).send(signed.compactJwsString);
  else res.json({ credential: signed.credential, compactJwsString: signed.compactJwsString });
}

/** The same answer for a malformed and an unknown id, so it says nothing about which ids exist. */
function notFound(req: Request, res: Response): void {
  const language = req.acceptsLanguages('zh-CN', 'zh', 'en') === 'en' ? 'en' : DEFAULT_LANGUAGE;
  res.status(404).json({ error: { status: 404, message: translatorFor(language)('credentials.notFound') } });
}

const statusListParam = z.coerce.number().int().min(1).max(1_000_000);
const codeParam = z.string().regex(VERIFICATION_CODE_PATTERN);

/** Public, cookie-free GETs: mounted before sessions and CSRF. */
export function credentialRoutes(options: CredentialRouteOptions): Router {
  const router = Router();
  // The credential address holds the verification code, so guessing codes is slowed here as on
  // /verify; status lists are built per request, so they share the allowance.
  const limiter = rateLimit({ windowMs: 60_000, limit: 120, standardHeaders: 'draft-8', legacyHeaders: false, handler: (_req, res) => void res.status(429).json({ error: { status: 429 } }) });

  router.get('/credentials/issuer', async (_req, res) => {
    publicResource(res, 'public, max-age=300');
    res.json(await issuerProfile(options.keyring, options.baseUrl, options.issuerName));
  });

  // SD-JWT VC issuer metadata: how a JWT verifier finds the key set of an https issuer id.
  router.get(`/.well-known/jwt-vc-issuer${new URL(issuerProfileUrl(options.baseUrl)).pathname}`, (_req, res) => {
    publicResource(res, 'public, max-age=300');
    res.json({ issuer: issuerProfileUrl(options.baseUrl), jwks_uri: jwksUrl(options.baseUrl) });
  });

  router.get('/credentials/status/:list', limiter, async (req, res) => {
    const list = statusListParam.safeParse(req.params.list);
    const signed = list.success ? await signedStatusList(list.data, options.keyring, options.baseUrl, options.clock()) : null;
    publicResource(res, 'no-cache');
    if (!signed) return notFound(req, res);
    sendSigned(req, res, signed, `status-list-${list.data}`);
  });

  router.get('/credentials/:code', limiter, async (req, res) => {
    const code = codeParam.safeParse(req.params.code);
    const found = code.success ? await credentialForCode(code.data, options.keyring, options.baseUrl) : null;
    publicResource(res, 'no-cache');
    if (!found) return notFound(req, res);
    sendSigned(req, res, found, found.certificate.number);
  });

  return router;
}
