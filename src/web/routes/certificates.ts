import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import {
  CERTIFICATE_NUMBER_PATTERN,
  CertificateError,
  catchUpProgrammeCertificates,
  findCertificateByCode,
  findCertificateById,
  findCertificateByNumber,
  findProgramme,
  listCertificatesOfUser,
  listProgrammes,
  programmeInputSchema,
  REVOCATION_REASONS,
  reissueCertificate,
  renderCertificatePdf,
  revokeCertificate,
  saveProgramme,
  searchCertificates,
  certificateColumns,
  certificateStatus,
  verificationUrl,
  VERIFICATION_CODE_PATTERN,
  type Certificate,
  type CertificateSettings,
  type CertificateStatus,
  type CertificateWithStatus,
} from '../../certificates';
import { CATEGORIES, listLatestModules, listLatestModulesFlat } from '../../courses';
import { writeCsv, writeXlsx } from '../../exports';
import { roundHours } from '../../ledger';
import type { Clock } from '../app';
import { requireRole, requireUser } from '../auth';
import { HttpError, badRequest, notFound } from '../http-error';
import { translatorFor, type Language } from '../i18n';
import { schoolScope } from './registrar';

export interface CertificateRouteOptions {
  baseUrl: string;
  settings: CertificateSettings;
  clock: Clock;
  log: (line: string) => void;
  /** Verification look-ups allowed per address and minute. */
  verifyLimitPerMinute?: number;
}

const forbidden = () => new HttpError(403, 'errors.forbiddenTitle', 'errors.forbiddenBody');
/** One answer for every unknown or malformed code, so the page says nothing about other codes. */
const unknownCode = () => new HttpError(404, 'certificates.verify.notFoundTitle', 'certificates.verify.notFoundBody');

const pdfTranslate = (language: Language, key: string, values?: Record<string, unknown>) => translatorFor(language)(key, values);

const searchQuery = z.object({
  q: z.string().trim().max(80).default(''),
  module: z.union([z.literal(''), z.string().regex(/^[a-z][a-z0-9-]*$/).max(80)]).default(''),
  status: z.enum(['', 'valid', 'revoked', 'superseded']).default(''),
});
const revokeBody = z.object({ reasonCategory: z.enum(REVOCATION_REASONS), note: z.string().trim().max(500).default('') });
const exportQuery = searchQuery.extend({ format: z.enum(['csv', 'xlsx']) });
const certificateNumber = z.string().regex(CERTIFICATE_NUMBER_PATTERN);
const list = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const programmeForm = z.object({
  programmeId: z.string(),
  titleZh: z.string(),
  titleEn: z.string(),
  descriptionZh: z.string().default(''),
  descriptionEn: z.string().default(''),
  category: z.string(),
  moduleIds: z.preprocess(list, z.array(z.string())),
});

function toHttpError(error: unknown): unknown {
  if (!(error instanceof CertificateError)) return error;
  if (error.reason === 'notFound') return notFound();
  return new HttpError(409, 'certificates.errors.conflictTitle', `certificates.errors.${error.reason}`);
}

/** The public view of a certificate: what a verifier may see, nothing more. */
async function publicView(certificate: Certificate, status: CertificateStatus, baseUrl: string) {
  const successor = status.state === 'superseded' ? await findCertificateByNumber(status.by) : null;
  return {
    status: status.state,
    certificate: {
      number: certificate.number,
      kind: certificate.kind,
      holder: certificate.holder.name,
      title: certificate.title,
      hours: certificate.hours,
      completedAt: certificate.completedAt,
      issuer: certificate.issuer.name,
    },
    ...(status.state === 'revoked' ? { revokedAt: status.at, reasonCategory: status.reasonCategory } : {}),
    ...(successor ? { supersededBy: { number: successor.number, url: verificationUrl(baseUrl, successor) } } : {}),
  };
}

/**
 * Certificates on the web: the public verification page, the learner's certificates and PDFs,
 * the registrar's search, revocation, re-issue and export, and the trainer's programmes.
 */
export function certificateRoutes(options: CertificateRouteOptions): Router {
  const router = Router();
  const { baseUrl, settings, clock } = options;
  const registrars = requireRole('registrar');
  const trainers = requireRole('trainer');

  const verifyLimiter = rateLimit({
    windowMs: 60_000,
    limit: options.verifyLimitPerMinute ?? 60,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, 'certificates.verify.tooManyTitle', 'certificates.verify.tooManyBody')),
  });

  router.get('/verify/:code', verifyLimiter, async (req, res) => {
    const code = String(req.params.code);
    const certificate = VERIFICATION_CODE_PATTERN.test(code) ? await findCertificateByCode(code) : null;
    if (!certificate) throw unknownCode();
    const view = await publicView(certificate, await certificateStatus(certificate), baseUrl);
    res.set('Cache-Control', 'no-store');
    if (req.accepts(['html', 'json']) === 'json') return res.json(view);
    res.render('certificates/verify', { ...view, pageTitle: res.locals.t('certificates.verify.title') });
  });

  router.get('/my/certificates', requireUser, async (req, res) => {
    const certificates = await listCertificatesOfUser(req.user!._id);
    res.render('certificates/mine', {
      pageTitle: res.locals.t('certificates.mine.title'),
      certificates: certificates.map((certificate) => ({
        ...certificate,
        id: certificate._id.toHexString(),
        verifyUrl: verificationUrl(baseUrl, certificate),
      })),
    });
  });

  router.get('/my/certificates/:id.pdf', requireUser, async (req, res) => {
    const certificate = await findCertificateById(String(req.params.id));
    // Someone else's certificate is "not found", not "forbidden": ids are not to be probed.
    if (!certificate || !certificate.holder.userId.equals(req.user!._id)) throw notFound();
    await sendPdf(res, certificate);
  });

  async function sendPdf(res: Response, certificate: Certificate) {
    const pdf = await renderCertificatePdf(certificate, { baseUrl, settings, translate: pdfTranslate });
    res.type('application/pdf');
    res.attachment(`${certificate.number}.pdf`);
    res.send(pdf);
  }

  const invalidSearch = (res: Response) => badRequest([res.locals.t('certificates.registrar.invalidSearch')]);
  const search = (req: Request, query: z.infer<typeof searchQuery>, limit?: number) =>
    searchCertificates({ text: query.q || undefined, moduleId: query.module || undefined, state: query.status || undefined, schoolCodes: schoolScope(req.user!), limit });

  async function certificateInScope(req: Request): Promise<Certificate> {
    const number = certificateNumber.safeParse(req.params.number);
    const certificate = number.success ? await findCertificateByNumber(number.data) : null;
    if (!certificate) throw notFound();
    const scope = schoolScope(req.user!);
    if (scope && !(certificate.holder.schoolCode && scope.includes(certificate.holder.schoolCode))) throw forbidden();
    return certificate;
  }

  const RESULTS = 200;
  router.get('/registrar/certificates', registrars, async (req, res) => {
    const parsed = searchQuery.safeParse(req.query);
    if (!parsed.success) throw invalidSearch(res);
    const query = parsed.data;
    const found = await search(req, query, RESULTS + 1);
    const modules = (await listLatestModulesFlat()).map((m) => ({ id: m.moduleId, title: m.title }));
    const programmes = (await listProgrammes()).map((p) => ({ id: p.programmeId, title: p.title }));
    res.render('certificates/registrar', {
      pageTitle: res.locals.t('certificates.registrar.title'),
      query,
      certificates: found.slice(0, RESULTS).map((certificate: CertificateWithStatus) => ({ ...certificate, verifyUrl: verificationUrl(baseUrl, certificate) })),
      truncated: found.length > RESULTS,
      options: [...programmes, ...modules].map((option) => ({ ...option, selected: option.id === query.module })),
      reasons: REVOCATION_REASONS,
      states: ['valid', 'revoked', 'superseded'].map((state) => ({ state, selected: state === query.status })),
      exportQuery: new URLSearchParams({ q: query.q, module: query.module, status: query.status }).toString(),
    });
  });

  router.get('/registrar/certificates/export', registrars, async (req, res) => {
    const query = exportQuery.safeParse(req.query);
    if (!query.success) throw invalidSearch(res);
    const rows = await search(req, query.data);
    const columns = certificateColumns(res.locals.t as (key: string) => string);
    const name = `certificates-${new Date(clock().getTime() + 8 * 3600_000).toISOString().slice(0, 10)}`;
    if (query.data.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`${name}.csv`);
      await writeCsv(res, columns, rows);
    } else {
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`${name}.xlsx`);
      await writeXlsx(res, (workbook) => workbook.addSheet({ name: res.locals.t('certificates.registrar.sheet'), columns, rows }));
    }
  });

  router.post('/registrar/certificates/:number/revoke', registrars, async (req, res) => {
    const certificate = await certificateInScope(req);
    const body = revokeBody.safeParse(req.body);
    if (!body.success) throw badRequest([res.locals.t('certificates.registrar.reasonRequired')]);
    try {
      await revokeCertificate(
        { number: certificate.number, reasonCategory: body.data.reasonCategory, note: body.data.note || undefined, revokedBy: { userId: req.user!._id.toHexString(), name: req.user!.displayName } },
        clock(),
      );
    } catch (error) {
      throw toHttpError(error);
    }
    res.redirect(303, `/registrar/certificates?q=${encodeURIComponent(certificate.number)}`);
  });

  router.post('/registrar/certificates/:number/reissue', registrars, async (req, res) => {
    const certificate = await certificateInScope(req);
    let successor: Certificate;
    try {
      successor = await reissueCertificate(certificate.number, settings, clock());
    } catch (error) {
      throw toHttpError(error);
    }
    res.redirect(303, `/registrar/certificates?q=${encodeURIComponent(successor.number)}`);
  });

  router.get('/trainer/programmes', trainers, async (_req, res) => {
    res.render('certificates/programmes', { pageTitle: res.locals.t('programmes.title'), ...(await programmePage()) });
  });

  router.get('/trainer/programmes/:programmeId', trainers, async (req, res) => {
    const programme = await findProgramme(String(req.params.programmeId));
    if (!programme) throw notFound();
    res.render('certificates/programmes', { pageTitle: res.locals.t('programmes.title'), saved: req.query.saved === '1', ...(await programmePage(programme)) });
  });

  router.post('/trainer/programmes', trainers, async (req, res) => {
    const form = programmeForm.safeParse(req.body);
    const input = form.success
      ? programmeInputSchema.safeParse({
          programmeId: form.data.programmeId.trim(),
          title: { 'zh-CN': form.data.titleZh, en: form.data.titleEn },
          description: form.data.descriptionZh.trim() || form.data.descriptionEn.trim() ? { 'zh-CN': form.data.descriptionZh, en: form.data.descriptionEn } : undefined,
          category: form.data.category,
          moduleIds: form.data.moduleIds,
        })
      : undefined;
    if (!input?.success) throw badRequest([res.locals.t('programmes.invalid')]);
    try {
      await saveProgramme(input.data, req.user!.displayName, clock());
    } catch (error) {
      if (error instanceof CertificateError) throw badRequest([res.locals.t('programmes.unknownModules')]);
      throw error;
    }
    // Teachers who already meet the (new) definition get their certificate now.
    await catchUpProgrammeCertificates(settings, options.log);
    res.redirect(303, `/trainer/programmes/${input.data.programmeId}?saved=1`);
  });

  return router;
}

/** The programme list, and the form (empty, or filled with the programme being edited). */
async function programmePage(editing?: Awaited<ReturnType<typeof findProgramme>>) {
  const groups = await listLatestModules();
  const hoursOf = new Map(groups.flatMap((group) => group.modules.map((m) => [m.moduleId, m.creditHours] as const)));
  const programmes = (await listProgrammes()).map((programme) => ({
    ...programme,
    hours: roundHours(programme.moduleIds.reduce((sum, id) => sum + (hoursOf.get(id) ?? 0), 0)),
    editing: programme.programmeId === editing?.programmeId,
  }));
  const chosen = new Set(editing?.moduleIds ?? []);
  return {
    programmes,
    editing,
    categories: CATEGORIES.map((category) => ({ category, selected: category === (editing?.category ?? 'homeroom-new') })),
    groups: groups.map((group) => ({ track: group.track, modules: group.modules.map((m) => ({ id: m.moduleId, title: m.title, hours: m.creditHours, checked: chosen.has(m.moduleId) })) })),
  };
}
