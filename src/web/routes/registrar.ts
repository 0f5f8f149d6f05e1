import { Router, type Request } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { categorySchema, CATEGORIES } from '../../courses';
import { findEntry, listTeacherEntries, LedgerInputError, reverseEntry, teacherBalance, verifyLedger } from '../../ledger';
import { complianceReport, effectiveProfile, evaluateOne, countedHoursByTeacher, trainingYearOf, trainingYearsRange, type PolicyProfile, type TeacherCompliance } from '../../ledger/policies';
import { findUserById, HOMEROOM_TIERS, listSchools, setTeacherFacts, type User } from '../../users';
import type { Clock } from '../app';
import { requireRole, requireUser } from '../auth';
import { badRequest, HttpError, notFound } from '../http-error';

const forbidden = () => new HttpError(403, 'errors.forbiddenTitle', 'errors.forbiddenBody');

/** The schools a user may see: all for admins (undefined), their own for registrars. */
export function schoolScope(user: User): string[] | undefined {
  if (user.roles.includes('admin')) return undefined;
  if (user.roles.includes('registrar')) return user.scopeSchoolCodes ?? [];
  throw forbidden();
}

const inScope = (scope: string[] | undefined, schoolCode: string | undefined) => scope === undefined || (schoolCode !== undefined && scope.includes(schoolCode));

const schoolQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  status: z.enum(['all', 'short', 'met', 'overdue']).default('all'),
  // The filter form sends an empty value for "all requirements".
  requirement: z
    .union([z.literal(''), z.string().regex(/^[a-z][a-z0-9-]*$/)])
    .optional()
    .transform((value) => value || undefined),
});
const factsBody = z.object({
  homeroomTier: z.enum(['', ...HOMEROOM_TIERS]),
  postStartDate: z.union([z.literal(''), z.iso.date()]),
});
const reverseBody = z.object({ reason: z.string().trim().min(1).max(500) });
const objectId = z.string().refine((id) => Types.ObjectId.isValid(id));

/** Per-requirement counts of teachers who met it, for the school dashboard's chart. */
function requirementChart(profile: PolicyProfile, rows: TeacherCompliance[]) {
  return profile.requirements
    .map((requirement) => {
      const statuses = rows.flatMap((row) => row.statuses.filter((s) => s.requirement.id === requirement.id));
      const met = statuses.filter((s) => s.met).length;
      return { requirement, total: statuses.length, met, short: statuses.length - met, metPercent: statuses.length ? Math.round((met / statuses.length) * 100) : 0 };
    })
    .filter((bar) => bar.total > 0);
}

export function registrarRoutes(clock: Clock, profile: PolicyProfile): Router {
  const router = Router();
  const registrars = requireRole('registrar');
  const currentYear = () => trainingYearOf(clock(), profile.trainingYearStartMonth);

  async function teacherInScope(req: Request): Promise<User> {
    const id = objectId.safeParse(req.params.teacherId);
    const teacher = id.success ? await findUserById(id.data) : null;
    if (!teacher) throw notFound();
    if (!inScope(schoolScope(req.user!), teacher.schoolCode)) throw forbidden();
    return teacher;
  }

  router.get('/registrar', registrars, async (req, res) => {
    const scope = schoolScope(req.user!);
    const schools = (await listSchools()).filter((school) => inScope(scope, school.code));
    res.render('registrar/index', { schools, year: currentYear() });
  });

  router.get('/registrar/schools/:schoolCode', registrars, async (req, res) => {
    const scope = schoolScope(req.user!);
    const schoolCode = String(req.params.schoolCode);
    const school = (await listSchools()).find((s) => s.code === schoolCode);
    if (!school) throw notFound();
    if (!inScope(scope, school.code)) throw forbidden();
    const query = schoolQuery.safeParse(req.query);
    if (!query.success) throw badRequest(query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
    const year = query.data.year ?? currentYear();
    // Requirements are judged at the end of the chosen year, or now for the current one.
    const yearEnd = new Date(trainingYearsRange(year, 1, profile.trainingYearStartMonth).to.getTime() - 1);
    const asOf = year === currentYear() ? clock() : yearEnd;
    const active = await effectiveProfile(profile);
    const everyone = await complianceReport(active, { schoolCodes: [school.code], asOf });
    const rows = await complianceReport(active, { schoolCodes: [school.code], asOf, filter: query.data.status, requirementId: query.data.requirement });
    const hoursByCategory = new Map<string, number>(CATEGORIES.map((c) => [c, 0]));
    for (const row of everyone) {
      for (const balance of await teacherBalance(row.teacher._id, { trainingYear: year })) {
        hoursByCategory.set(balance.category, (hoursByCategory.get(balance.category) ?? 0) + balance.hours);
      }
    }
    const maxHours = Math.max(1, ...hoursByCategory.values());
    res.render('registrar/school', {
      school,
      year,
      years: [year - 1, year, year + 1].filter((y) => y <= currentYear()),
      filter: query.data,
      profile: active,
      requirementBars: requirementChart(active, everyone),
      categoryBars: [...hoursByCategory].map(([category, hours]) => ({ category, hours: Math.round(hours * 100) / 100, percent: Math.round((hours / maxHours) * 100) })),
      rows,
      teacherCount: everyone.length,
    });
  });

  router.get('/registrar/teachers/:teacherId', registrars, async (req, res) => {
    const teacher = await teacherInScope(req);
    const hours = (await countedHoursByTeacher([teacher._id])).get(teacher._id.toString()) ?? [];
    const compliance = evaluateOne(await effectiveProfile(profile), teacher, hours, clock());
    const entries = await listTeacherEntries(teacher._id);
    const reversed = new Set(entries.map((entry) => entry.reversalOf).filter(Boolean));
    res.render('registrar/teacher', {
      teacher,
      compliance,
      entries: entries.map((entry) => ({ ...entry, reversible: entry.source.kind !== 'reversal' && !reversed.has(entry.entryId) })).reverse(),
      tiers: HOMEROOM_TIERS,
      // Shown as the date in China, where it was entered.
      postStartDate: teacher.postStartDate && new Date(teacher.postStartDate.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
    });
  });

  router.post('/registrar/teachers/:teacherId/facts', registrars, async (req, res) => {
    const teacher = await teacherInScope(req);
    const body = factsBody.safeParse(req.body);
    if (!body.success) throw badRequest([res.locals.t('registrar.factsInvalid')]);
    await setTeacherFacts(teacher._id, {
      homeroomTier: body.data.homeroomTier === '' ? null : body.data.homeroomTier,
      postStartDate: body.data.postStartDate === '' ? null : new Date(`${body.data.postStartDate}T00:00:00+08:00`),
    });
    res.redirect(303, `/registrar/teachers/${teacher._id.toString()}`);
  });

  router.post('/registrar/entries/:entryId/reverse', registrars, async (req, res) => {
    const entry = await findEntry(String(req.params.entryId).slice(0, 100));
    if (!entry) throw notFound();
    const teacher = await findUserById(entry.teacher.toString());
    if (!inScope(schoolScope(req.user!), teacher?.schoolCode ?? entry.teacherSnapshot.schoolCode)) throw forbidden();
    const body = reverseBody.safeParse(req.body);
    if (!body.success) throw badRequest([res.locals.t('registrar.reasonRequired')]);
    try {
      await reverseEntry({ entryId: entry.entryId, reason: body.data.reason, actor: { kind: 'user', id: req.user!._id.toString(), name: req.user!.displayName } });
    } catch (error) {
      if (error instanceof LedgerInputError) throw badRequest(error.problems);
      throw error;
    }
    res.redirect(303, `/registrar/teachers/${entry.teacher.toString()}`);
  });

  router.get('/admin/ledger', requireRole('admin'), async (_req, res) => {
    res.render('registrar/verify', { report: await verifyLedger() });
  });

  /** Teachers see their own ledger and where they stand; nobody else's. */
  router.get('/my/hours', requireUser, async (req, res) => {
    const user = req.user!;
    const hours = (await countedHoursByTeacher([user._id])).get(user._id.toString()) ?? [];
    res.render('my-hours', {
      compliance: evaluateOne(await effectiveProfile(profile), user, hours, clock()),
      entries: (await listTeacherEntries(user._id)).reverse(),
      categories: categorySchema.options,
    });
  });

  return router;
}
