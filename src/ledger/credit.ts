import { CompletionModel, onCompletion, type Completion } from '../completion';
import { findUserById } from '../users';
import { appendEntry, type AppendResult } from './append';
import { LedgerError } from './errors';
import { calendarYearInChina, type RecordedBy } from './schema';
import { LedgerEntryModel } from './store';

/** Hours are credited when the training assessment is passed (考核成绩合格的,记入继续教育学时). */
export const COMPLETION_CREDIT_RULE = 'module-completion-passed';
export const completionKey = (completionId: string) => `completion:${completionId}`;

const LISTENER: RecordedBy = { kind: 'system', name: 'completion-listener' };
const CATCH_UP: RecordedBy = { kind: 'system', name: 'completion-catch-up' };

type PassedCompletion = Completion & { attemptId: string; scorePercent: number };

/** A completion carries a passed assessment when it names the passing attempt and its score. */
export function hasPassedAssessment(completion: Completion): completion is PassedCompletion {
  return typeof completion.attemptId === 'string' && completion.attemptId !== '' && typeof completion.scorePercent === 'number';
}

/**
 * Credits a completion's hours once (idempotency key `completion:<completion id>`), and only when
 * it carries a passed assessment: a module without an assessment completes but credits nothing.
 * The training year is the completion's calendar year in China; the teacher's name and school
 * are copied from the user record as they are now. Returns undefined when nothing is credited.
 */
export async function creditCompletion(
  completion: Completion,
  options: { recordedBy?: RecordedBy; now?: Date } = {},
): Promise<AppendResult | undefined> {
  if (!hasPassedAssessment(completion)) return undefined;
  const completionId = completion._id.toHexString();
  const user = await findUserById(completion.userId.toHexString());
  if (!user) throw new LedgerError(`cannot credit completion ${completionId}: no user ${completion.userId.toHexString()}`);
  return appendEntry({
    teacher: { id: completion.userId, displayName: user.displayName, schoolCode: user.schoolCode },
    source: {
      kind: 'module',
      moduleId: completion.moduleId,
      moduleVersion: completion.moduleVersion,
      attemptId: completion.attemptId,
      completionId,
    },
    category: completion.category,
    hours: completion.creditHours,
    trainingYear: calendarYearInChina(completion.completedAt),
    occurredAt: completion.completedAt,
    assessment: { passed: true, scorePercent: completion.scorePercent },
    creditRule: COMPLETION_CREDIT_RULE,
    recordedBy: options.recordedBy ?? LISTENER,
    recordedAt: options.now ?? new Date(),
    idempotencyKey: completionKey(completionId),
  });
}

/** Subscribes the ledger to new completions (once, however often it is called). */
export function registerLedgerListener(): () => void {
  return onCompletion('ledger', async (completion) => {
    await creditCompletion(completion);
  });
}

export interface CatchUpReport {
  /** Completions with a passed assessment that were looked at. */
  checked: number;
  credited: number;
  failed: number;
}

const BATCH = 200;

/**
 * Credits every completion with a passed assessment that has no entry yet: those a crash or a
 * failing listener missed. Run at start-up; safe to run at any time and concurrently with the
 * listener, since crediting is idempotent. Streams the completions in batches.
 */
export async function catchUpCompletions(log: (line: string) => void): Promise<CatchUpReport> {
  const report: CatchUpReport = { checked: 0, credited: 0, failed: 0 };
  const cursor = CompletionModel.find({ attemptId: { $exists: true }, scorePercent: { $exists: true } })
    .sort({ _id: 1 })
    .lean<Completion>()
    .cursor({ batchSize: BATCH });

  let batch: Completion[] = [];
  const flush = async () => {
    const keys = batch.map((completion) => completionKey(completion._id.toHexString()));
    const credited = new Set(
      (await LedgerEntryModel.find({ idempotencyKey: { $in: keys } }, { _id: 0, idempotencyKey: 1 }).lean<{ idempotencyKey: string }[]>()).map(
        (entry) => entry.idempotencyKey,
      ),
    );
    for (const completion of batch) {
      if (!hasPassedAssessment(completion)) continue;
      report.checked += 1;
      if (credited.has(completionKey(completion._id.toHexString()))) continue;
      try {
        if ((await creditCompletion(completion, { recordedBy: CATCH_UP }))?.created) report.credited += 1;
      } catch (error) {
        report.failed += 1;
        log(`ledger: could not credit completion ${completion.idempotencyKey}: ${(error as Error).message}`);
      }
    }
    batch = [];
  };
  for await (const completion of cursor as AsyncIterable<Completion>) {
    batch.push(completion);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  log(`ledger: ${report.checked} passed completions checked, ${report.credited} credited now${report.failed ? `, ${report.failed} failed` : ''}`);
  return report;
}
