import { Router } from 'express';

export function sessionRoutes(): Router {
  const router = Router();
  router.post('/logout', (req, res, next) => {
    req.logout((error) => {
      if (error) return next(error);
      req.session.destroy(() => res.redirect(303, '/'));
    });
  });
  return router;
}
