import { Router } from 'express';
import { z } from 'zod';
import { idSchema, listLatestModules } from '../../courses';
import { attemptRows, moduleResultsReport } from '../../quiz';
import { findUserById, type User } from '../../users';
import { requireRole } from '../auth';
import { CSV_BOM, csvRow } from '../../exports';
import { notFound } from '../http-error';

const moduleParams = z.object({ moduleId: idSchema });
/** Items with a discrimination at or below this are flagged for the trainer to reread. */
const WEAK_DISCRIMINATION = 0.1;
const WEAK_PERCENT_CORRECT = 30;

export function trainerRoutes(): Router {
  const router = Router();
  const trainersOnly = requireRole('trainer');

  router.get('/trainer', trainersOnly, async (_req, res) => {
    const groups = await listLatestModules();
    const modules = groups.flatMap((group) => group.modules).filter((module) => module.assessment);
    res.render('trainer-index', { modules });
  });

  router.get('/trainer/modules/:moduleId', trainersOnly, async (req, res) => {
    const params = moduleParams.safeParse(req.params);
    const report = params.success ? await moduleResultsReport(params.data.moduleId) : undefined;
    if (!report) throw notFound();
    const items = report.statistics.items.map((item) => ({
      ...item,
      stem: report.stems[item.key] ?? item.key,
      weak: item.percentCorrect <= WEAK_PERCENT_CORRECT || (item.discrimination !== undefined && item.discrimination <= WEAK_DISCRIMINATION),
    }));
    // The questions most worth a trainer's time first.
    items.sort((a, b) => Number(b.weak) - Number(a.weak) || (a.discrimination ?? 1) - (b.discrimination ?? 1) || a.percentCorrect - b.percentCorrect);
    res.render('trainer-results', { module: report.module, statistics: report.statistics, items });
  });

  router.get('/trainer/modules/:moduleId/attempts.csv', trainersOnly, async (req, res) => {
    const params = moduleParams.safeParse(req.params);
    if (!params.success || !(await moduleResultsReport(params.data.moduleId))) throw notFound();
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${params.data.moduleId}-attempts.csv"`);
    res.write(CSV_BOM + csvRow(['attempt', 'teacher', 'school', 'module version', 'submitted at', 'score %', 'passed', 'late']));
    const people = new Map<string, User | null>();
    for await (const row of attemptRows(params.data.moduleId)) {
      if (!people.has(row.userId)) people.set(row.userId, await findUserById(row.userId));
      const person = people.get(row.userId);
      res.write(csvRow([row.attemptId, person?.displayName, person?.schoolCode, row.moduleVersion, row.submittedAt, row.percent, row.passed, row.late]));
    }
    res.end();
  });

  return router;
}
