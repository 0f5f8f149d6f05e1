import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SecretBox } from '../../keys';
import { requireRole } from '../../web/auth';
import { notFound } from '../../web/http-error';
import { CONSUMER_KEY_PATTERN, ConsumerExistsError, createConsumer, listConsumers, setConsumerDisabled, toOrigin } from './consumers';
import { cartridgeXml } from './cartridge';

type Clock = () => Date;

const createForm = z.object({
  key: z.string().trim().regex(CONSUMER_KEY_PATTERN),
  name: z.string().trim().max(100),
  secret: z.union([z.literal(''), z.string().min(16).max(200)]),
  origins: z.string().max(2000),
});

const statusForm = z.object({ key: z.string().min(1).max(200), disabled: z.enum(['true', 'false']) });

/** One origin per line (or comma-separated); each must be an http(s) URL. */
function parseOrigins(text: string): { origins: string[]; invalid: string[] } {
  const origins: string[] = [];
  const invalid: string[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    try {
      origins.push(toOrigin(entry));
    } catch {
      invalid.push(entry);
    }
  }
  return { origins, invalid };
}

/**
 * LTI 1.1 pages: the cartridge LMSs import (`GET /lti/config.xml`, public), and the admin's
 * consumer list (`/admin/lti/consumers`: create — the secret shown once —, disable, enable).
 */
export function lti11Routes(options: { secretBox: SecretBox; baseUrl: string; clock: Clock }): Router {
  const router = Router();
  const admins = requireRole('admin');

  router.get('/lti/config.xml', (_req, res) => {
    res.type('application/xml').send(cartridgeXml(options.baseUrl));
  });

  async function renderList(res: Response, status: number, form: Record<string, string> = {}, errors: string[] = []) {
    res.status(status).render('lti/consumers', {
      consumers: await listConsumers(),
      form,
      errors,
      launchUrl: `${options.baseUrl}/lti/launch`,
      configUrl: `${options.baseUrl}/lti/config.xml`,
    });
  }

  router.get('/admin/lti/consumers', admins, async (_req, res) => renderList(res, 200));

  router.post('/admin/lti/consumers', admins, async (req: Request, res: Response) => {
    const t = res.locals.t as (key: string, values?: Record<string, unknown>) => string;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const echo = { key: typeof body.key === 'string' ? body.key : '', name: typeof body.name === 'string' ? body.name : '', origins: typeof body.origins === 'string' ? body.origins : '' };
    const parsed = createForm.safeParse({ key: body.key, name: body.name ?? '', secret: body.secret ?? '', origins: body.origins ?? '' });
    if (!parsed.success) {
      const fields = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
      return renderList(res, 400, echo, [...fields].map((field) => t(`lti11.consumers.invalid.${field}`)));
    }
    const { origins, invalid } = parseOrigins(parsed.data.origins);
    if (invalid.length > 0) return renderList(res, 400, echo, [t('lti11.consumers.invalid.origins')]);
    try {
      const { consumer, secret } = await createConsumer(
        options.secretBox,
        { key: parsed.data.key, name: parsed.data.name || undefined, secret: parsed.data.secret || undefined, allowedOrigins: origins },
        options.clock(),
      );
      // The only page that ever shows the secret: keep it out of caches and history.
      res.set('Cache-Control', 'no-store');
      res.status(201).render('lti/consumer-created', { consumer, secret, launchUrl: `${options.baseUrl}/lti/launch`, configUrl: `${options.baseUrl}/lti/config.xml` });
    } catch (error) {
      if (error instanceof ConsumerExistsError) return renderList(res, 409, echo, [t('lti11.consumers.exists', { key: error.key })]);
      throw error;
    }
  });

  router.post('/admin/lti/consumers/status', admins, async (req, res) => {
    const parsed = statusForm.safeParse(req.body);
    if (!parsed.success || !(await setConsumerDisabled(parsed.data.key, parsed.data.disabled === 'true', options.clock()))) throw notFound();
    res.redirect(303, '/admin/lti/consumers');
  });

  return router;
}
