import { Router, type NextFunction, type Request, type Response } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { listTeacherEntries } from '../ledger';
import { complianceReport, countedHoursByTeacher, effectiveProfile, evaluateOne, trainingYearOf, trainingYearsRange, type PolicyProfile, type RequirementStatus } from '../ledger/policies';
import { findUserById, listTeachers, type User } from '../users';
import { authenticateApiToken } from './tokens';

/**
 * The read-only REST API for district systems (docs/openapi.yaml). Every request carries a
 * registrar's or admin's API token; it sees what that person sees in the web pages.
 */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

interface ApiLocals {
  owner: User;
  scope: string[] | undefined;
}

const objectId = z.string().refine((id) => Types.ObjectId.isValid(id));
const complianceQuery = z.object({
  school: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  status: z.enum(['all', 'short', 'met', 'overdue']).default('all'),
});

const statusJson = (status: RequirementStatus) => ({
  requirement: status.requirement.id,
  met: status.met,
  requiredHours: status.requiredHours,
  earnedHours: status.earnedHours,
  shortBy: status.shortBy,
  dueDate: status.dueDate?.toISOString() ?? null,
  overdue: status.overdue,
  period: status.period ? { from: status.period.from.toISOString(), to: status.period.to.toISOString() } : null,
});

export function apiRoutes(profile: PolicyProfile, clock: () => Date): Router {
  const router = Router();
  const locals = (res: Response) => res.locals as unknown as ApiLocals;

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.get('authorization') ?? '';
      const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
      const ownerId = token ? await authenticateApiToken(token, clock()) : undefined;
      const owner = ownerId && (await findUserById(ownerId.toString()));
      if (!owner) throw new ApiError(401, 'invalid_token');
      const scope = owner.roles.includes('admin') ? undefined : owner.roles.includes('registrar') ? (owner.scopeSchoolCodes ?? []) : null;
      if (scope === null) throw new ApiError(403, 'forbidden');
      Object.assign(res.locals, { owner, scope } satisfies ApiLocals);
      next();
    } catch (error) {
      next(error);
    }
  });

  const teacherFor = async (req: Request, res: Response): Promise<User> => {
    const id = objectId.safeParse(req.params.teacherId);
    const teacher = id.success ? await findUserById(id.data) : null;
    if (!teacher) throw new ApiError(404, 'not_found');
    const { scope } = locals(res);
    if (scope && !(teacher.schoolCode && scope.includes(teacher.schoolCode))) throw new ApiError(404, 'not_found');
    return teacher;
  };

  router.get('/teachers', async (req, res) => {
    const school = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional().safeParse(req.query.school);
    if (!school.success) throw new ApiError(400, 'invalid_query');
    const { scope } = locals(res);
    const schoolCodes = school.data ? (scope && !scope.includes(school.data) ? [] : [school.data]) : scope;
    const teachers = await listTeachers({ schoolCodes });
    res.json({ teachers: teachers.map((t) => ({ id: t._id.toString(), name: t.displayName, school: t.schoolCode ?? null, homeroomTier: t.homeroomTier ?? null })) });
  });

  router.get('/teachers/:teacherId/ledger', async (req, res) => {
    const teacher = await teacherFor(req, res);
    const entries = await listTeacherEntries(teacher._id);
    res.json({
      teacher: { id: teacher._id.toString(), name: teacher.displayName, school: teacher.schoolCode ?? null },
      entries: entries.map((e) => ({
        entryId: e.entryId,
        sequence: e.sequence,
        category: e.category,
        trainingMode: e.trainingMode ?? null,
        hours: e.hours,
        runningHours: e.runningHours,
        trainingYear: e.trainingYear,
        occurredAt: e.occurredAt.toISOString(),
        source: e.source,
        creditRule: e.creditRule,
        reversalOf: e.reversalOf ?? null,
        reason: e.reason ?? null,
        recordedBy: e.recordedBy.name,
        recordedAt: e.recordedAt.toISOString(),
        hash: e.hash,
      })),
    });
  });

  router.get('/teachers/:teacherId/requirements', async (req, res) => {
    const teacher = await teacherFor(req, res);
    const hours = (await countedHoursByTeacher([teacher._id])).get(teacher._id.toString()) ?? [];
    const result = evaluateOne(await effectiveProfile(profile), teacher, hours, clock());
    res.json({ profile: profile.id, met: result.met, requirements: result.statuses.map(statusJson) });
  });

  router.get('/compliance', async (req, res) => {
    const query = complianceQuery.safeParse(req.query);
    if (!query.success) throw new ApiError(400, 'invalid_query');
    const { scope } = locals(res);
    const schoolCodes = query.data.school ? (scope && !scope.includes(query.data.school) ? [] : [query.data.school]) : scope;
    const year = query.data.year ?? trainingYearOf(clock(), profile.trainingYearStartMonth);
    // As on the registrar pages: now for the current year, the year's last moment otherwise.
    const asOf = year === trainingYearOf(clock(), profile.trainingYearStartMonth) ? clock() : new Date(trainingYearsRange(year, 1, profile.trainingYearStartMonth).to.getTime() - 1);
    const rows = await complianceReport(await effectiveProfile(profile), { schoolCodes, asOf, filter: query.data.status });
    res.json({
      profile: profile.id,
      year,
      teachers: rows.map((row) => ({ id: row.teacher._id.toString(), name: row.teacher.displayName, school: row.teacher.schoolCode ?? null, met: row.met, shortBy: row.shortBy, requirements: row.statuses.map(statusJson) })),
    });
  });

  router.use((_req, _res, next) => next(new ApiError(404, 'not_found')));
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = error instanceof ApiError ? error : new ApiError(500, 'server_error');
    res.status(known.status).json({ error: known.code });
  });
  return router;
}
