import { Router } from 'express';
import { isDatabaseUp } from '../../db';

export function healthRoutes(): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const up = await isDatabaseUp();
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'degraded', db: up ? 'up' : 'down' });
  });
  return router;
}
