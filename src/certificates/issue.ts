import { Types } from 'mongoose';
import { CompletionModel, onCompletion, type Completion } from '../completion';
import { findModuleVersion } from '../courses';
import { calendarYearInChina, creditCompletion, hasPassedAssessment, roundHours } from '../ledger';
import { findProgress } from '../progress';
import { findUserById, listSchools } from '../users';
import { CertificateError } from './errors';
import { newCertificateNumber, newVerificationCode } from './numbers';
import { listProgrammes } from './programmes';
import { certificateStatus, findCertificateByNumber, withStatuses } from './queries';
import { CertificateModel } from './store';
import type { Certificate, CertificateHolder, CertificateSettings, Programme } from './types';

const DUPLICATE_KEY = 11000;
/** A fresh number and code are drawn when one collides; 40 + 144 random bits make a second miss unheard of. */
const MAX_DRAWS = 5;

export type CertificateDraft = Omit<Certificate, '_id' | 'number' | 'verificationCode' | 'issuedAt' | 'issuer'>;
export interface IssueResult {
  certificate: Certificate;
  /** false when the issue key already had its certificate. */
  created: boolean;
}

export const completionIssueKey = (completionId: string) => `completion:${completionId}`;
const programmeIssueKey = (programmeId: string, userId: Types.ObjectId) => `programme:${programmeId}:${userId.toHexString()}`;
const reissueKey = (number: string) => `reissue:${number}`;
/** What a re-issue carries over unchanged: the achievement, not the holder, issuer or identity. */
const ACHIEVEMENT_FIELDS = ['kind', 'title', 'description', 'moduleId', 'moduleVersion', 'programmeId', 'completionId', 'hours', 'category', 'completedAt', 'activityStartedAt', 'ledgerEntryIds'] as const;

/**
 * Inserts a certificate under its issue key, exactly once: a repeated or concurrent call gets
 * the first certificate back. A re-issue that loses the race on `supersedes` is refused.
 */
async function insertCertificate(draft: CertificateDraft, settings: CertificateSettings, now: Date): Promise<IssueResult> {
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    try {
      const created = await CertificateModel.create({
        ...draft,
        number: newCertificateNumber(settings.issuer.prefix, calendarYearInChina(now)),
        verificationCode: newVerificationCode(),
        issuer: settings.issuer,
        issuedAt: now,
      });
      return { certificate: created.toObject() as Certificate, created: true };
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      const existing = await CertificateModel.findOne({ issueKey: draft.issueKey }).lean<Certificate>();
      if (existing) return { certificate: existing, created: false };
      if (draft.supersedes && (await CertificateModel.exists({ supersedes: draft.supersedes }))) {
        throw new CertificateError('alreadySuperseded', `certificate ${draft.supersedes} has already been re-issued`);
      }
    }
  }
  throw new Error(`could not draw a free certificate number in ${MAX_DRAWS} tries`);
}

async function holderOf(userId: Types.ObjectId): Promise<CertificateHolder> {
  const user = await findUserById(userId.toHexString());
  if (!user) throw new CertificateError('notFound', `no user ${userId.toHexString()}`);
  const school = user.schoolCode ? (await listSchools()).find((s) => s.code === user.schoolCode) : undefined;
  return {
    userId: user._id,
    name: user.displayName,
    ...(user.schoolCode ? { schoolCode: user.schoolCode } : {}),
    ...(school ? { schoolName: school.name } : {}),
  };
}

/**
 * The certificate of a completion, issued once (issue key `completion:<id>`). Only a completion
 * with a passed assessment is certified, as only such a completion earns hours. The ledger credit
 * is made (idempotently) before the snapshot, so the certificate always names its ledger entry
 * whichever completion listener runs first. Completing the last module of a programme also
 * issues the programme certificate.
 */
export async function issueForCompletion(completion: Completion, settings: CertificateSettings, now = new Date()): Promise<IssueResult | undefined> {
  if (!hasPassedAssessment(completion)) return undefined;
  const issueKey = completionIssueKey(completion._id.toHexString());
  const existing = await CertificateModel.findOne({ issueKey }).lean<Certificate>();
  if (existing) return { certificate: existing, created: false };

  const credit = await creditCompletion(completion);
  const module = await findModuleVersion(completion.moduleId, completion.moduleVersion);
  if (!module) throw new CertificateError('notFound', `no module ${completion.moduleId}@${completion.moduleVersion}`);
  const progress = await findProgress(completion.userId, module);
  const result = await insertCertificate(
    {
      issueKey,
      kind: 'module',
      holder: await holderOf(completion.userId),
      title: { 'zh-CN': module.title['zh-CN'], en: module.title.en ?? module.title['zh-CN'] },
      ...(module.summary ? { description: { 'zh-CN': module.summary['zh-CN'], en: module.summary.en ?? module.summary['zh-CN'] } } : {}),
      moduleId: module.moduleId,
      moduleVersion: module.version,
      completionId: completion._id.toHexString(),
      hours: completion.creditHours,
      category: completion.category,
      completedAt: completion.completedAt,
      ...(progress ? { activityStartedAt: progress.startedAt } : {}),
      ledgerEntryIds: credit ? [credit.entry.entryId] : [],
    },
    settings,
    now,
  );
  await issueProgrammeCertificates(completion.userId, settings, now);
  return result;
}

/**
 * Issues the certificate of every programme whose modules all have a standing (not revoked, not
 * replaced) module certificate for this learner. Hours are the sum over the modules, the date is
 * the last completion. Returns the certificates created now.
 */
export async function issueProgrammeCertificates(userId: Types.ObjectId, settings: CertificateSettings, now = new Date(), programmes?: Programme[]): Promise<Certificate[]> {
  const standing = new Map<string, Certificate>();
  const own = await withStatuses(await CertificateModel.find({ 'holder.userId': userId, kind: 'module' }).lean<Certificate[]>());
  for (const certificate of own) {
    if (certificate.status.state !== 'valid' || !certificate.moduleId) continue;
    const known = standing.get(certificate.moduleId);
    if (!known || known.completedAt < certificate.completedAt) standing.set(certificate.moduleId, certificate);
  }
  if (standing.size === 0) return [];
  const created: Certificate[] = [];
  for (const programme of programmes ?? (await listProgrammes())) {
    const parts = programme.moduleIds.map((moduleId) => standing.get(moduleId));
    if (programme.moduleIds.length === 0 || parts.some((part) => !part)) continue;
    const certified = parts as Certificate[];
    const result = await insertCertificate(
      {
        issueKey: programmeIssueKey(programme.programmeId, userId),
        kind: 'programme',
        holder: await holderOf(userId),
        title: programme.title,
        ...(programme.description ? { description: programme.description } : {}),
        programmeId: programme.programmeId,
        hours: roundHours(certified.reduce((sum, c) => sum + c.hours, 0)),
        category: programme.category,
        completedAt: new Date(Math.max(...certified.map((c) => c.completedAt.getTime()))),
        activityStartedAt: new Date(Math.min(...certified.map((c) => (c.activityStartedAt ?? c.completedAt).getTime()))),
        ledgerEntryIds: certified.flatMap((c) => c.ledgerEntryIds),
      },
      settings,
      now,
    );
    if (result.created) created.push(result.certificate);
  }
  return created;
}

/**
 * A new certificate replacing one that stands: the same achievement (title, hours, dates, ledger
 * entries) with the holder's name and school as they are now and the current issuer. The old one
 * then shows as superseded. Refused for a revoked or already replaced certificate.
 */
export async function reissueCertificate(number: string, settings: CertificateSettings, now = new Date()): Promise<Certificate> {
  const old = await findCertificateByNumber(number);
  if (!old) throw new CertificateError('notFound', `no certificate ${number}`);
  const status = await certificateStatus(old);
  if (status.state === 'revoked') throw new CertificateError('revoked', `certificate ${number} is revoked`);
  if (status.state === 'superseded') throw new CertificateError('alreadySuperseded', `certificate ${number} has already been re-issued`);
  const achievement = Object.fromEntries(ACHIEVEMENT_FIELDS.filter((field) => old[field] !== undefined).map((field) => [field, old[field]])) as Pick<Certificate, (typeof ACHIEVEMENT_FIELDS)[number]>;
  const { certificate, created } = await insertCertificate(
    { ...achievement, issueKey: reissueKey(old.number), holder: await holderOf(old.holder.userId), supersedes: old.number },
    settings,
    now,
  );
  if (!created) throw new CertificateError('alreadySuperseded', `certificate ${number} has already been re-issued`);
  return certificate;
}

/** Subscribes certificates to new completions (once, however often it is called). */
export function registerCertificateListener(settings: CertificateSettings): () => void {
  return onCompletion('certificates', async (completion) => {
    await issueForCompletion(completion, settings);
  });
}

export interface CertificateCatchUpReport {
  checked: number;
  issued: number;
  programmes: number;
  failed: number;
}

const BATCH = 200;

/**
 * Issues what a crash or a failing listener missed: a certificate for every passed completion
 * without one, then any programme certificate now earned (also after a trainer changed a
 * programme). Safe to run at any time, since issuing is idempotent.
 */
export async function catchUpCertificates(settings: CertificateSettings, log: (line: string) => void): Promise<CertificateCatchUpReport> {
  const report: CertificateCatchUpReport = { checked: 0, issued: 0, programmes: 0, failed: 0 };
  const cursor = CompletionModel.find({ attemptId: { $exists: true }, scorePercent: { $exists: true } })
    .sort({ _id: 1 })
    .lean<Completion>()
    .cursor({ batchSize: BATCH });
  let batch: Completion[] = [];
  const flush = async () => {
    const keys = batch.map((completion) => completionIssueKey(completion._id.toHexString()));
    const issued = new Set((await CertificateModel.find({ issueKey: { $in: keys } }, { issueKey: 1 }).lean<{ issueKey: string }[]>()).map((c) => c.issueKey));
    for (const completion of batch) {
      if (!hasPassedAssessment(completion)) continue;
      report.checked += 1;
      if (issued.has(completionIssueKey(completion._id.toHexString()))) continue;
      try {
        if ((await issueForCompletion(completion, settings))?.created) report.issued += 1;
      } catch (error) {
        report.failed += 1;
        log(`certificates: could not issue for completion ${completion.idempotencyKey}: ${(error as Error).message}`);
      }
    }
    batch = [];
  };
  for await (const completion of cursor as AsyncIterable<Completion>) {
    batch.push(completion);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  report.programmes = await catchUpProgrammeCertificates(settings, log);
  log(`certificates: ${report.checked} passed completions checked, ${report.issued} issued now, ${report.programmes} programme certificates${report.failed ? `, ${report.failed} failed` : ''}`);
  return report;
}

/** Programme certificates for every learner who holds a module certificate. */
export async function catchUpProgrammeCertificates(settings: CertificateSettings, log: (line: string) => void): Promise<number> {
  const programmes = await listProgrammes();
  if (programmes.length === 0) return 0;
  const holders = (await CertificateModel.distinct('holder.userId', { kind: 'module' })) as Types.ObjectId[];
  let issued = 0;
  for (const userId of holders) {
    try {
      issued += (await issueProgrammeCertificates(new Types.ObjectId(userId), settings, new Date(), programmes)).length;
    } catch (error) {
      log(`certificates: programme certificates for ${String(userId)} failed: ${(error as Error).message}`);
    }
  }
  return issued;
}
