import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import {
  canEdit,
  canManageEditors,
  createDraft,
  diffDraftAgainstPublished,
  draftFromPublished,
  DraftConflictError,
  DraftExistsError,
  DraftInvalidError,
  DraftNotFoundError,
  findImage,
  getDraft,
  gradePreview,
  ImageRejectedError,
  listAudit,
  listDrafts,
  MAX_IMAGE_BYTES,
  NotAllowedError,
  previewQuiz,
  PublishConflictError,
  publishDraft,
  RESERVED_MODULE_IDS,
  saveDraft,
  storeImage,
  validateDraft,
  type DraftBank,
  type DraftChanges,
  type DraftError,
  type DraftLesson,
  type DraftManifest,
  type ModuleDraft,
  type PublishCandidate,
  type QuizPreview,
} from '../../authoring';
import { CATEGORIES, idSchema, listLatestModulesFlat, listModuleVersions, renderLessonMarkdown, TRACKS } from '../../courses';
import { findUserById, listUsers } from '../../users';
import type { Clock } from '../app';
import { requireRole, requireUser } from '../auth';
import { badRequest, HttpError, notFound } from '../http-error';
import { DrawError } from '../../quiz';
import { answersFromForm } from '../quiz-form';
import { questionViews } from '../quiz-view';
import { blankItem, field, ITEM_TYPES, itemFormView, itemFromForm, numberOrRaw, optional, type FormBody, type ItemType } from './authoring-item-form';

const draftParams = z.object({ draftId: idSchema });
const indexParams = z.object({ draftId: idSchema, index: z.coerce.number().int().min(0).max(1000) });
const revisionField = z.coerce.number().int().min(1);
const mediaName = z.string().regex(/^[a-f0-9]{32}\.(png|jpg|gif|webp)$/);
const MAX_MARKDOWN = 60_000;

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';
const bodyOf = (req: Request) => (req.body ?? {}) as FormBody;
const timeOf = (date: Date) => new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' }).format(date);

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** Multipart image uploads are parsed (for trainers only) before the CSRF check, which reads `_csrf` from the body. */
export function authoringUploads() {
  const image = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 10 } }).single('image');
  return (req: Request, res: Response, next: NextFunction) => {
    const trainer = req.user?.roles.some((role) => role === 'trainer' || role === 'admin');
    if (req.method !== 'POST' || !trainer || !req.is('multipart/form-data') || !/^\/authoring\/[a-z][a-z0-9-]*\/images$/.test(req.path)) return next();
    image(req, res, (error?: unknown) => {
      if (error instanceof multer.MulterError) return next(badRequest([res.locals.t('authoring.image.tooLarge')]));
      next(error);
    });
  };
}

/**
 * Loads the draft named in the URL for a person who may change it. An id with no draft passes the
 * request on, so other `/authoring/...` routers (the file round-trip) mounted later still match.
 */
async function withDraft(req: Request, res: Response, next: NextFunction): Promise<void> {
  const params = draftParams.safeParse(req.params);
  const draft = params.success ? await getDraft(params.data.draftId) : null;
  if (!draft) return next('route');
  if (!canEdit(req.user!, draft)) throw new HttpError(403, 'errors.forbiddenTitle', 'authoring.notEditor');
  res.locals.draft = draft;
  next();
}

const draftOf = (res: Response) => res.locals.draft as ModuleDraft;

function errorsUnder(errors: readonly DraftError[], prefix: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const error of errors) {
    if (error.path !== prefix && !error.path.startsWith(`${prefix}.`)) continue;
    const key = error.path.slice(prefix.length + 1) || '_';
    if (found[key]?.split('; ').includes(error.message)) continue;
    found[key] = found[key] ? `${found[key]}; ${error.message}` : error.message;
  }
  return found;
}

/** The checker's rule messages in the reader's language; ones not listed stay as the checker wrote them. */
const RULE_MESSAGES: [RegExp, string, (m: RegExpExecArray) => Record<string, string>][] = [
  [/^must not be empty$/, 'notEmpty', () => ({})],
  [/^ids are lowercase letters, digits and hyphens, starting with a letter$/, 'id', () => ({})],
  [/^Too small: expected (?:array|set) to have >=(\d+) items?$/, 'minItems', (m) => ({ n: m[1]! })],
  [/^Too big: expected (?:array|set) to have <=(\d+) items?$/, 'maxItems', (m) => ({ n: m[1]! })],
  [/^Too small: expected number to be >(\S+)$/, 'greaterThan', (m) => ({ n: m[1]! })],
  [/^Too small: expected number to be >=(\S+)$/, 'atLeast', (m) => ({ n: m[1]! })],
  [/^Too big: expected number to be <=?(\S+)$/, 'atMost', (m) => ({ n: m[1]! })],
  [/^Invalid input: expected (?:number|int), received/, 'number', () => ({})],
  [/^Invalid input: expected boolean, received/, 'choose', () => ({})],
  [/^Invalid input: expected string, received/, 'required', () => ({})],
  [/^answer names option "", which is not among the options$/, 'markAnswer', () => ({})],
  [/^the lesson has no content after its front matter$/, 'lessonEmpty', () => ({})],
  [/^lesson id "(.+)" is already used by lesson (\d+)$/, 'lessonIdTaken', (m) => ({ id: m[1]!, n: m[2]! })],
  [/^draws (\d+) items but bank "(.+)" has only (\d+)/, 'notEnoughItems', (m) => ({ draw: m[1]!, bank: m[2]!, count: m[3]! })],
];

function localizeErrors<T extends { errors: DraftError[] }>(validation: T, t: Response['locals']['t']): T {
  const localize = (message: string) => {
    for (const [pattern, key, params] of RULE_MESSAGES) {
      const match = pattern.exec(message);
      if (match) return String(t(`authoring.rules.${key}`, params(match)));
    }
    return message;
  };
  // An answer left blank breaks several rules at once; the trainer needs to hear only what to do.
  const unanswered = /received undefined$|to have >=1 items$|^ids are lowercase|^answer names option "",/;
  const message = (error: DraftError) =>
    error.path.endsWith('.answer') && unanswered.test(error.message) ? String(t('authoring.rules.markAnswer')) : localize(error.message);
  return { ...validation, errors: validation.errors.map((error) => ({ ...error, message: message(error) })) };
}

async function checked(res: Response, draft: ModuleDraft) {
  return localizeErrors(await validateDraft(draft), res.locals.t);
}

function conflictMessage(res: Response, conflict: DraftConflictError): string {
  return String(res.locals.t('authoring.conflict.body', { name: conflict.savedBy, time: timeOf(conflict.savedAt) }));
}

/**
 * Saves one part of a draft. Autosave (JSON) hears the new revision or the conflict; a form post
 * goes back to the page, or on conflict sees who saved and keeps what it typed to copy.
 */
async function saveAndRespond(req: Request, res: Response, clock: Clock, draft: ModuleDraft, changes: DraftChanges, backTo: string): Promise<void> {
  const revision = revisionField.safeParse(bodyOf(req).revision);
  if (!revision.success) throw badRequest([res.locals.t('authoring.revisionMissing')]);
  try {
    const saved = await saveDraft(draft._id, revision.data, changes, req.user!, clock());
    if (wantsJson(req)) {
      res.json({ revision: saved.revision, savedAt: saved.updatedAt.toISOString(), savedAtText: timeOf(saved.updatedAt) });
      return;
    }
    res.redirect(303, backTo);
  } catch (error) {
    if (!(error instanceof DraftConflictError)) throw error;
    const message = conflictMessage(res, error);
    res.status(409);
    if (wantsJson(req)) {
      res.json({ error: { status: 409, conflict: true, message: `${message} ${String(res.locals.t('authoring.conflict.reload'))}`, revision: error.latestRevision } });
      return;
    }
    const unsaved = Object.entries(bodyOf(req))
      .filter(([name, value]) => !['_csrf', 'revision'].includes(name) && value !== undefined && String(value).trim() !== '')
      .map(([name, value]) => ({ name, value: Array.isArray(value) ? value.join('\n') : value }));
    res.render('authoring/conflict', { pageTitle: res.locals.t('authoring.conflict.title'), draft, message, unsaved, backTo });
  }
}

const settingsForm = z.object({
  titleZh: z.string().max(200),
  titleEn: z.string().max(200).default(''),
  summaryZh: z.string().max(2000).default(''),
  summaryEn: z.string().max(2000).default(''),
  track: z.enum(TRACKS),
  category: z.enum(CATEGORIES),
  creditHours: z.string().max(20),
  minSecondsPerLesson: z.string().max(20).default(''),
});

const lessonForm = z.object({
  id: z.string().max(100),
  title: z.string().max(200),
  titleEn: z.string().max(200).default(''),
  minutes: z.string().max(20),
  markdown: z.string().max(MAX_MARKDOWN),
});

const assessmentForm = z.object({
  enabled: z.string().optional(),
  passMark: z.string().max(20).default(''),
  maxAttempts: z.string().max(20).default(''),
  cooldownMinutes: z.string().max(20).default(''),
  timeLimitMinutes: z.string().max(20).default(''),
  recertifyMonths: z.string().max(20).default(''),
  countedAttempt: z.enum(['highest', 'last']).default('highest'),
  review: z.enum(['after-each-attempt', 'after-pass', 'never']).default('after-each-attempt'),
  shuffleItems: z.string().optional(),
  shuffleOptions: z.string().optional(),
});

const MAX_POOLS = 6;

function poolsFromForm(body: FormBody): unknown[] {
  const pools: unknown[] = [];
  for (let i = 0; i < MAX_POOLS; i += 1) {
    const bank = field(body, `pools.${i}.bank`);
    if (bank === '') continue;
    const items = field(body, `pools.${i}.items`).split(/[,，\s]+/).filter(Boolean);
    const tags = field(body, `pools.${i}.tags`).split(/[,，\s]+/).filter(Boolean);
    pools.push(
      items.length > 0
        ? { bank, items }
        : { bank, draw: numberOrRaw(field(body, `pools.${i}.draw`)), ...(tags.length > 0 ? { tags } : {}) },
    );
  }
  return pools;
}

function nextFreeId(taken: readonly string[], prefix: string): string {
  const used = new Set(taken);
  for (let n = taken.length + 1; ; n += 1) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

/** The module's own bank, made when the first question is written; titles and track follow the module. */
function ownBank(draft: ModuleDraft): DraftBank {
  return draft.bank ?? { id: draft.moduleId, version: 1, track: draft.manifest.track, title: draft.manifest.title, items: [] };
}

export function authoringRoutes(clock: Clock): Router {
  const router = Router();
  const trainers = requireRole('trainer');

  router.get('/authoring', trainers, async (req, res) => {
    const admin = req.user!.roles.includes('admin');
    const all = await listDrafts();
    const drafts = all.filter((draft) => canEdit(req.user!, draft));
    const drafted = new Set(all.map((draft) => draft._id));
    // Modules that came from `courses/` are opened for editing by an admin, who then names editors.
    const published = admin ? (await listLatestModulesFlat()).filter((module) => !drafted.has(module.moduleId)) : [];
    res.render('authoring/index', { pageTitle: res.locals.t('authoring.title'), drafts, published, tracks: TRACKS });
  });

  const newModuleForm = z.object({ moduleId: z.string().max(80), titleZh: z.string().trim().min(1).max(200), track: z.enum(TRACKS) });
  router.post('/authoring', trainers, async (req, res) => {
    const form = newModuleForm.safeParse(req.body);
    const moduleId = idSchema.safeParse(form.data?.moduleId);
    if (!form.success || !moduleId.success || RESERVED_MODULE_IDS.includes(moduleId.data)) throw badRequest([res.locals.t('authoring.newModule.invalid')]);
    try {
      const { track, titleZh } = form.data;
      await createDraft({ moduleId: moduleId.data, manifest: { title: { 'zh-CN': titleZh }, track, category: track } }, req.user!, clock());
    } catch (error) {
      if (error instanceof DraftExistsError) throw badRequest([res.locals.t('authoring.newModule.taken', { id: moduleId.data })]);
      throw error;
    }
    res.redirect(303, `/authoring/${moduleId.data}`);
  });

  router.post('/authoring/open/:draftId', requireRole('admin'), async (req, res) => {
    const { draftId } = parse(draftParams, req.params);
    try {
      await draftFromPublished(draftId, req.user!, clock());
    } catch (error) {
      if (error instanceof DraftNotFoundError) throw notFound();
      throw error;
    }
    res.redirect(303, `/authoring/${draftId}`);
  });

  router.get('/authoring/media/:name', requireUser, async (req, res) => {
    const name = mediaName.safeParse(req.params.name);
    const image = name.success ? await findImage(name.data) : null;
    if (!image) throw notFound();
    res.setHeader('Content-Type', image.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', 'inline');
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.send(image.data);
  });

  router.get('/authoring/:draftId', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const validation = await checked(res, draft);
    const trainersList = canManageEditors(req.user!, draft)
      ? (await listUsers()).filter((user) => user.roles.includes('trainer')).map((user) => ({ id: user._id.toString(), name: user.displayName, school: user.schoolCode }))
      : [];
    const nameOf = new Map(trainersList.map((user) => [user.id, user.name]));
    const items = (draft.bank?.items ?? []).map((item, index, all) => ({ index, last: index === all.length - 1, id: item.id, type: item.type, stem: item.stem, errors: Object.keys(errorsUnder(validation.errors, `bank.items.${index}`)).length }));
    res.render('authoring/draft', {
      pageTitle: draft.manifest.title?.['zh-CN'] || draft.moduleId,
      draft,
      validation,
      settingsErrors: errorsUnder(validation.errors, 'manifest'),
      lessons: draft.lessons.map((lesson, index) => ({ ...lesson, index, last: index === draft.lessons.length - 1, errors: Object.keys(errorsUnder(validation.errors, `lessons.${index}`)).length })),
      items,
      itemTypes: ITEM_TYPES,
      tracks: TRACKS,
      categories: CATEGORIES,
      audit: await listAudit(draft._id, 30),
      versions: await listModuleVersions(draft.moduleId),
      manageEditors: trainersList.length > 0,
      editors: draft.editors.map((id) => ({ id, name: nameOf.get(id) ?? id })),
      candidates: trainersList.filter((user) => !draft.owners.includes(user.id) && !draft.editors.includes(user.id)),
      published: z.coerce.number().int().min(1).safeParse(req.query.published).data,
    });
  });

  router.post('/authoring/:draftId/settings', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const form = settingsForm.safeParse(req.body);
    if (!form.success) throw badRequest([res.locals.t('authoring.formInvalid')]);
    const f = form.data;
    const title = { 'zh-CN': f.titleZh.trim(), ...(optional(f.titleEn.trim()) ? { en: f.titleEn.trim() } : {}) };
    const summary = f.summaryZh.trim() || f.summaryEn.trim() ? { 'zh-CN': f.summaryZh.trim(), ...(f.summaryEn.trim() ? { en: f.summaryEn.trim() } : {}) } : undefined;
    const minSeconds = numberOrRaw(f.minSecondsPerLesson.trim());
    const { summary: _old, ...rest } = draft.manifest;
    const manifest = {
      ...rest,
      title,
      ...(summary ? { summary } : {}),
      track: f.track,
      category: f.category,
      creditHours: numberOrRaw(f.creditHours.trim()),
      completion: minSeconds === undefined ? {} : { minSecondsPerLesson: minSeconds },
    } as DraftManifest;
    const bank = draft.bank && draft.bank.id === draft.moduleId ? { ...draft.bank, title, track: f.track } : draft.bank;
    await saveAndRespond(req, res, clock, draft, { manifest, bank }, `/authoring/${draft._id}`);
  });

  router.post('/authoring/:draftId/lessons', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const id = nextFreeId(draft.lessons.map((lesson) => lesson.id), 'lesson');
    const lessons = [...draft.lessons, { id, title: '', minutes: 5, markdown: '' }];
    await saveAndRespond(req, res, clock, draft, { lessons }, `/authoring/${draft._id}/lessons/${lessons.length - 1}`);
  });

  router.post('/authoring/:draftId/preview-markdown', trainers, withDraft, async (req, res) => {
        const markdown = z.string().max(MAX_MARKDOWN).safeParse(bodyOf(req).markdown);
    if (!markdown.success) throw badRequest([res.locals.t('authoring.formInvalid')]);
    res.json({ html: renderLessonMarkdown(markdown.data) });
  });

  router.get('/authoring/:draftId/lessons/:index', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const { index } = parse(indexParams, req.params);
    const lesson = draft.lessons[index];
    if (!lesson) throw notFound();
    const validation = await checked(res, draft);
    res.render('authoring/lesson', {
      pageTitle: lesson.title || lesson.id,
      draft,
      lesson,
      index,
      html: renderLessonMarkdown(lesson.markdown ?? ''),
      errors: errorsUnder(validation.errors, `lessons.${index}`),
      image: mediaName.safeParse(req.query.image).data,
      maxImageMb: MAX_IMAGE_BYTES / 1024 / 1024,
    });
  });

  router.post('/authoring/:draftId/lessons/:index', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const { index } = parse(indexParams, req.params);
    if (!draft.lessons[index]) throw notFound();
    const form = lessonForm.safeParse(req.body);
    if (!form.success) throw badRequest([res.locals.t('authoring.formInvalid')]);
    const f = form.data;
    const lesson: DraftLesson = {
      id: f.id.trim(),
      title: f.title.trim(),
      ...(f.titleEn.trim() ? { titleEn: f.titleEn.trim() } : {}),
      minutes: numberOrRaw(f.minutes.trim()) as number,
      markdown: f.markdown.replace(/\r\n/g, '\n'),
    };
    const lessons = draft.lessons.map((existing, i) => (i === index ? lesson : existing));
    await saveAndRespond(req, res, clock, draft, { lessons }, `/authoring/${draft._id}/lessons/${index}`);
  });

  const moveForm = z.object({ direction: z.enum(['up', 'down', 'delete']) });
  router.post('/authoring/:draftId/lessons/:index/move', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const { index } = parse(indexParams, req.params);
    const { direction } = parse(moveForm, req.body);
    if (!draft.lessons[index]) throw notFound();
    await saveAndRespond(req, res, clock, draft, { lessons: moved(draft.lessons, index, direction) }, `/authoring/${draft._id}#lessons`);
  });

  router.post('/authoring/:draftId/images', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const lesson = z.coerce.number().int().min(0).safeParse(bodyOf(req).lesson);
    const file = (req as Request & { file?: { buffer: Buffer } }).file;
    if (!file) throw badRequest([res.locals.t('authoring.image.missing')]);
    try {
      const image = await storeImage(draft._id, file.buffer, req.user!, clock());
      const back = lesson.success && draft.lessons[lesson.data] ? `/authoring/${draft._id}/lessons/${lesson.data}` : `/authoring/${draft._id}`;
      if (wantsJson(req)) res.json({ name: image.name, url: `/authoring/media/${image.name}` });
      else res.redirect(303, `${back}?image=${image.name}#images`);
    } catch (error) {
      if (error instanceof ImageRejectedError) throw badRequest([res.locals.t(`authoring.image.${error.reason}`)]);
      throw error;
    }
  });

  router.post('/authoring/:draftId/items', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const type = z.enum(ITEM_TYPES).safeParse(bodyOf(req).type);
    if (!type.success) throw badRequest([res.locals.t('authoring.formInvalid')]);
    const bank = ownBank(draft);
    const item = blankItem(type.data, nextFreeId(bank.items.map((i) => i.id), draft.moduleId.slice(0, 20).replace(/-+$/, '')));
    const changes: DraftChanges = { bank: { ...bank, items: [...bank.items, item] } };
    // A first question turns the quiz on, drawing from this bank; the trainer sets how many.
    if (!draft.manifest.assessment) changes.manifest = { ...draft.manifest, assessment: { passMark: 80, pools: [{ bank: bank.id, draw: 1 }] } };
    await saveAndRespond(req, res, clock, draft, changes, `/authoring/${draft._id}/items/${bank.items.length}`);
  });

  router.get('/authoring/:draftId/items/:index', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const { index } = parse(indexParams, req.params);
    const item = draft.bank?.items[index];
    if (!item) throw notFound();
    const validation = await checked(res, draft);
    res.render('authoring/item', {
      pageTitle: item.id,
      draft,
      index,
      item: itemFormView(item, validation.errors, `bank.items.${index}`),
      difficulties: ['easy', 'medium', 'hard'],
    });
  });

  router.post('/authoring/:draftId/items/:index', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const { index } = parse(indexParams, req.params);
    const existing = draft.bank?.items[index];
    if (!draft.bank || !existing) throw notFound();
    const item = itemFromForm(existing.type as ItemType, bodyOf(req), existing);
    const bank = { ...draft.bank, items: draft.bank.items.map((other, i) => (i === index ? item : other)) };
    await saveAndRespond(req, res, clock, draft, { bank }, `/authoring/${draft._id}/items/${index}`);
  });

  router.post('/authoring/:draftId/items/:index/move', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const { index } = parse(indexParams, req.params);
    const { direction } = parse(moveForm, req.body);
    if (!draft.bank?.items[index]) throw notFound();
    await saveAndRespond(req, res, clock, draft, { bank: { ...draft.bank, items: moved(draft.bank.items, index, direction) } }, `/authoring/${draft._id}#questions`);
  });

  router.get('/authoring/:draftId/assessment', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const validation = await checked(res, draft);
    const assessment = draft.manifest.assessment;
    const pools = [...(assessment?.pools ?? []), { bank: '' }].slice(0, MAX_POOLS).map((pool, index) => ({
      index,
      bank: pool.bank,
      draw: 'draw' in pool && pool.draw !== undefined ? String(pool.draw) : '',
      tags: 'tags' in pool && pool.tags ? pool.tags.join(', ') : '',
      items: 'items' in pool && pool.items ? pool.items.join(', ') : '',
      error: Object.values(errorsUnder(validation.errors, `manifest.assessment.pools.${index}`)).join('; '),
    }));
    res.render('authoring/assessment', {
      pageTitle: res.locals.t('authoring.assessment.title'),
      draft,
      assessment: assessment ?? { passMark: 80 },
      enabled: assessment !== undefined,
      pools,
      itemCount: draft.bank?.items.length ?? 0,
      errors: errorsUnder(validation.errors, 'manifest.assessment'),
    });
  });

  router.post('/authoring/:draftId/assessment', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const form = assessmentForm.safeParse(req.body);
    if (!form.success) throw badRequest([res.locals.t('authoring.formInvalid')]);
    const f = form.data;
    const { assessment: _old, ...manifest } = draft.manifest;
    const numbers = Object.fromEntries(
      (['passMark', 'maxAttempts', 'cooldownMinutes', 'timeLimitMinutes', 'recertifyMonths'] as const)
        .map((name) => [name, numberOrRaw(f[name].trim())])
        .filter(([, value]) => value !== undefined),
    );
    const assessment = {
      ...numbers,
      countedAttempt: f.countedAttempt,
      review: f.review,
      shuffleItems: f.shuffleItems === 'on',
      shuffleOptions: f.shuffleOptions === 'on',
      pools: poolsFromForm(bodyOf(req)),
    };
    const next = (f.enabled === 'on' ? { ...manifest, assessment } : manifest) as DraftManifest;
    await saveAndRespond(req, res, clock, draft, { manifest: next }, `/authoring/${draft._id}/assessment`);
  });

  const editorsForm = z.object({ action: z.enum(['add', 'remove']), userId: z.string().regex(/^[a-f0-9]{24}$/) });
  router.post('/authoring/:draftId/editors', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    if (!canManageEditors(req.user!, draft)) throw new HttpError(403, 'errors.forbiddenTitle', 'authoring.notOwner');
    const form = editorsForm.safeParse(req.body);
    if (!form.success) throw badRequest([res.locals.t('authoring.formInvalid')]);
    const { action, userId } = form.data;
    if (action === 'add' && !(await findUserById(userId))?.roles.includes('trainer')) {
      throw badRequest([res.locals.t('authoring.editors.notTrainer')]);
    }
    const editors = action === 'add' ? [...new Set([...draft.editors, userId])] : draft.editors.filter((id) => id !== userId);
    await saveAndRespond(req, res, clock, draft, { editors }, `/authoring/${draft._id}#editors`);
  });

  router.get('/authoring/:draftId/preview', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const validation = await checked(res, draft);
    if (!validation.candidate) {
      res.render('authoring/preview', { pageTitle: res.locals.t('authoring.preview.title'), draft, validation });
      return;
    }
    const quiz = await drawPreview(res, validation.candidate);
    res.render('authoring/preview', {
      pageTitle: res.locals.t('authoring.preview.title'),
      draft,
      validation,
      lessons: validation.candidate.lessons,
      quiz,
      questions: quiz ? questionViews({ items: quiz.items, attempt: { responses: {} } }, quiz.presented, res.locals.t, {}) : [],
    });
  });

  router.post('/authoring/:draftId/preview', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const seed = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).safeParse(bodyOf(req).seed);
    const validation = await checked(res, draft);
    if (!seed.success || !validation.candidate) {
      res.redirect(303, `/authoring/${draft._id}/preview`);
      return;
    }
    const quiz = await drawPreview(res, validation.candidate, seed.data);
    if (!quiz) throw notFound();
    const answers = answersFromForm(quiz.presented, bodyOf(req));
    const result = gradePreview(quiz, answers);
    res.render('authoring/preview', {
      pageTitle: res.locals.t('authoring.preview.title'),
      draft,
      validation,
      lessons: validation.candidate.lessons,
      quiz,
      review: result.ok ? result.review : undefined,
      hasErrors: !result.ok,
      questions: result.ok ? [] : questionViews({ items: quiz.items, attempt: { responses: {} } }, quiz.presented, res.locals.t, answers, result.rejections),
    });
  });

  router.get('/authoring/:draftId/publish', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    await renderPublish(res, draft, await checked(res, draft));
  });

  router.post('/authoring/:draftId/publish', trainers, withDraft, async (req, res) => {
    const draft = draftOf(res);
    const revision = revisionField.safeParse(bodyOf(req).revision);
    if (!revision.success) throw badRequest([res.locals.t('authoring.revisionMissing')]);
    try {
      const outcome = await publishDraft(draft._id, req.user!, clock(), { expectedRevision: revision.data });
      res.redirect(303, `/authoring/${draft._id}?published=${outcome.version}`);
    } catch (error) {
      if (error instanceof DraftInvalidError) {
        res.status(400);
        await renderPublish(res, draft, localizeErrors({ ok: false, errors: error.errors }, res.locals.t));
        return;
      }
      if (error instanceof DraftConflictError) {
        res.status(409).render('authoring/conflict', { pageTitle: res.locals.t('authoring.conflict.title'), draft, message: conflictMessage(res, error), unsaved: [], backTo: `/authoring/${draft._id}/publish` });
        return;
      }
      if (error instanceof PublishConflictError) {
        res.status(409).render('authoring/conflict', { pageTitle: res.locals.t('authoring.conflict.title'), draft, message: res.locals.t('authoring.publish.raced', { version: error.version }), unsaved: [], backTo: `/authoring/${draft._id}/publish` });
        return;
      }
      if (error instanceof NotAllowedError) throw new HttpError(403, 'errors.forbiddenTitle', 'authoring.notEditor');
      throw error;
    }
  });

  return router;
}

/** A draw the checker could not foresee (pools of one module competing for the same items) is shown, not a crash. */
async function drawPreview(res: Response, candidate: PublishCandidate, seed?: string): Promise<QuizPreview | undefined> {
  try {
    return await previewQuiz(candidate, seed);
  } catch (error) {
    if (error instanceof DrawError) throw badRequest([String(res.locals.t('authoring.preview.drawFailed', { reason: error.message }))]);
    throw error;
  }
}

async function renderPublish(res: Response, draft: ModuleDraft, validation: { ok: boolean; errors: DraftError[] }): Promise<void> {
  const diff = await diffDraftAgainstPublished(draft);
  const named = (field: string, value: string | undefined) => (value && (field === 'track' || field === 'category') ? String(res.locals.t(`${field}.${value}`)) : value);
  diff.manifest = diff.manifest.map((change) => ({ ...change, before: named(change.field, change.before), after: named(change.field, change.after) }));
  res.render('authoring/publish', { pageTitle: res.locals.t('authoring.publish.title'), draft, validation, diff, nextVersion: (draft.baseVersion ?? 0) + 1 });
}

function moved<T>(list: readonly T[], index: number, direction: 'up' | 'down' | 'delete'): T[] {
  const copy = [...list];
  if (direction === 'delete') {
    copy.splice(index, 1);
    return copy;
  }
  const target = direction === 'up' ? index - 1 : index + 1;
  if (target < 0 || target >= copy.length) return copy;
  [copy[index], copy[target]] = [copy[target]!, copy[index]!];
  return copy;
}
