import { AuthoringAuditModel, type AuditEntry } from './store';

export async function recordAudit(entry: AuditEntry): Promise<void> {
  await AuthoringAuditModel.create(entry);
}

/** Newest first. */
export async function listAudit(draftId: string, limit = 100): Promise<AuditEntry[]> {
  return AuthoringAuditModel.find({ draftId }, { _id: 0 }).sort({ at: -1 }).limit(limit).lean<AuditEntry[]>();
}
