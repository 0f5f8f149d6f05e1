import { Router } from 'express';
import type { Keyring } from '../keys';

/** The tool's public keys: platforms verify deep-linking responses and client assertions, wallets verify credentials. */
export function jwksRoute(keyring: Keyring): Router {
  const router = Router();
  router.get('/lti/jwks', async (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.json(await keyring.publishedKeySet());
  });
  return router;
}
