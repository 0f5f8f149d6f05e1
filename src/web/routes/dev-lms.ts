import { Router, type Request } from 'express';
import { z } from 'zod';
import { listLatestModulesFlat } from '../../courses';
import type { SecretBox } from '../../keys';
import { consumerWithSecret, createConsumer, ConsumerExistsError, signOutgoing } from '../../lti/v11';
import type { Clock } from '../app';
import { badRequest } from '../http-error';

/** The consumer the pretend LMS signs with; created on first use, development only. */
export const DEV_CONSUMER_KEY = 'shixun-dev-lms';

const ROLE_BY_CHOICE = { learner: 'Learner', instructor: 'Instructor', administrator: 'Administrator' } as const;

const launchQuery = z.object({
  name: z.string().trim().min(1).max(40),
  role: z.enum(['learner', 'instructor', 'administrator']).default('learner'),
  module: z.string().trim().max(100).optional(),
  message: z.enum(['launch', 'content-item']).default('launch'),
});

async function devConsumerSecret(secretBox: SecretBox): Promise<string> {
  const existing = await consumerWithSecret(secretBox, DEV_CONSUMER_KEY);
  if (existing) return existing.secret;
  try {
    return (await createConsumer(secretBox, { key: DEV_CONSUMER_KEY, name: 'Development LMS' })).secret;
  } catch (error) {
    // Two first visits at once: the other one created it.
    if (!(error instanceof ConsumerExistsError)) throw error;
    return (await consumerWithSecret(secretBox, DEV_CONSUMER_KEY))!.secret;
  }
}

/**
 * A pretend LMS for development: it signs a real LTI 1.1 launch (the same checks a school's
 * Moodle launch goes through) and posts it into an iframe, so a newcomer sees Shixun the way
 * teachers do without installing an LMS. Only mounted when the development sign-in is.
 */
export function devLmsRoutes(secretBox: SecretBox, clock: Clock): Router {
  const router = Router();
  router.get('/dev/lms', async (req, res) => {
    const modules = await listLatestModulesFlat();
    if (req.query.name === undefined) return res.render('dev-lms', { modules });
    const parsed = launchQuery.safeParse(req.query);
    if (!parsed.success) throw badRequest([res.locals.t('validation.nameRequired')]);
    const { name, role, module, message } = parsed.data;
    if (module && !modules.some((candidate) => candidate.moduleId === module)) throw badRequest([res.locals.t('devLms.unknownModule')]);
    res.render('dev-lms', { modules, launch: await signedLaunch(req, secretBox, clock(), { name, role, module, message }) });
  });
  // Where a Content-Item selection comes back: shown as received, so trainers see what an LMS would store.
  router.post('/dev/lms/return', (req, res) => {
    const contentItems = typeof req.body?.content_items === 'string' ? req.body.content_items : '';
    let pretty = contentItems;
    try {
      pretty = JSON.stringify(JSON.parse(contentItems), null, 2);
    } catch {
      // Shown as received.
    }
    res.render('dev-lms-return', { contentItems: pretty });
  });
  return router;
}

async function signedLaunch(req: Request, secretBox: SecretBox, now: Date, choice: z.infer<typeof launchQuery>): Promise<{ action: string; fields: { name: string; value: string }[] }> {
  // Signed for the address the browser uses, which is the one the launch check rebuilds.
  const origin = `${req.protocol}://${req.host}`;
  const action = `${origin}/lti/launch`;
  const userId = `dev-${choice.role}-${choice.name}`;
  const params: Record<string, string> = {
    lti_message_type: choice.message === 'content-item' ? 'ContentItemSelectionRequest' : 'basic-lti-launch-request',
    lti_version: 'LTI-1p0',
    user_id: userId,
    lis_person_name_full: choice.name,
    roles: ROLE_BY_CHOICE[choice.role],
    context_id: 'dev-course',
    context_title: 'Development course',
    launch_presentation_locale: req.res?.locals.lang ?? 'zh-CN',
    ...(choice.message === 'content-item'
      ? { content_item_return_url: `${origin}/dev/lms/return`, accept_media_types: 'application/vnd.ims.lti.v1.ltilink', accept_presentation_document_targets: 'iframe', accept_multiple: 'true' }
      : { resource_link_id: `dev-link-${choice.module ?? 'catalog'}`, resource_link_title: choice.module ?? 'Shixun' }),
    ...(choice.module && choice.message === 'launch' ? { custom_module: choice.module } : {}),
  };
  const oauth = signOutgoing({ method: 'POST', url: action, consumerKey: DEV_CONSUMER_KEY, consumerSecret: await devConsumerSecret(secretBox), params, now });
  return { action, fields: Object.entries({ ...params, ...oauth }).map(([name, value]) => ({ name, value })) };
}
