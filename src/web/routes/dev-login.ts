import { Router } from 'express';
import passport from 'passport';
import { listSchools } from '../../users';

/** Only mounted outside production (see createApp). */
export function devLoginRoutes(): Router {
  const router = Router();
  router.get('/dev/login', async (_req, res) => {
    res.render('dev-login', { schools: await listSchools() });
  });
  router.post('/dev/login', passport.authenticate('dev', { failWithError: true }), (_req, res) => {
    res.redirect(303, '/catalog');
  });
  return router;
}
