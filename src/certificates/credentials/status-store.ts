import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import mongoose, { Schema, type Types } from 'mongoose';
import { STATUS_LIST_BITS } from './bitstring';

/**
 * What a certificate's credential carries besides the frozen certificate: its place in a status
 * list, and the opaque subject id and salt that stand for the holder. Inserted once, never edited.
 */
export interface CredentialStatusEntry {
  certificateId: Types.ObjectId;
  /** Lists are numbered from 1; `/credentials/status/<statusList>`. */
  statusList: number;
  statusListIndex: number;
  /** `urn:uuid:…`, one per certificate, so two credentials of one teacher cannot be linked by it. */
  subjectId: string;
  /** Salts the hash of the holder's name in the credential's `identifier`. */
  salt: string;
  allocatedAt: Date;
}

const entrySchema = new Schema<CredentialStatusEntry>(
  {
    certificateId: { type: Schema.Types.ObjectId, required: true },
    statusList: { type: Number, required: true },
    statusListIndex: { type: Number, required: true },
    subjectId: { type: String, required: true },
    salt: { type: String, required: true },
    allocatedAt: { type: Date, required: true },
  },
  { collection: 'credential_status_entries', strict: 'throw', versionKey: false },
);
// Exactly once per certificate, and one certificate per bit: both are inserts under a unique index
// (FerretDB v1 does not isolate concurrent updates, docs/data-layer.md).
entrySchema.index({ certificateId: 1 }, { unique: true });
entrySchema.index({ statusList: 1, statusListIndex: 1 }, { unique: true });

export const CredentialStatusEntryModel = mongoose.model<CredentialStatusEntry>('CredentialStatusEntry', entrySchema);

const DUPLICATE_KEY = 11000;
/**
 * A list takes new entries until half its bits are used: random indexes then collide at most one
 * time in two, and a new list is opened. Indexes are random, not sequential, so an index says
 * nothing about when or to whom a certificate was issued.
 */
const LIST_CAPACITY = STATUS_LIST_BITS / 2;
/** At most half full, so 32 collisions in a row happen with odds of 1 in 2^32. */
const MAX_DRAWS = 32;

export interface AllocationOptions {
  now?: Date;
  /** Injected by tests to force collisions. */
  drawIndex?: () => number;
}

async function openList(): Promise<number> {
  const newest = await newestStatusList();
  const used = await CredentialStatusEntryModel.countDocuments({ statusList: newest });
  return used >= LIST_CAPACITY ? newest + 1 : newest;
}

export async function findStatusEntry(certificateId: Types.ObjectId): Promise<CredentialStatusEntry | null> {
  return CredentialStatusEntryModel.findOne({ certificateId }).lean<CredentialStatusEntry>();
}

/**
 * The certificate's entry, allocated on first use. Concurrent callers for one certificate all get
 * the one entry that was inserted; a taken bit is drawn again.
 */
export async function statusEntryFor(certificateId: Types.ObjectId, options: AllocationOptions = {}): Promise<CredentialStatusEntry> {
  const existing = await findStatusEntry(certificateId);
  if (existing) return existing;
  const drawIndex = options.drawIndex ?? (() => randomInt(STATUS_LIST_BITS));
  const statusList = await openList();
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const entry: CredentialStatusEntry = {
      certificateId,
      statusList,
      statusListIndex: drawIndex(),
      subjectId: `urn:uuid:${randomUUID()}`,
      salt: randomBytes(16).toString('hex'),
      allocatedAt: options.now ?? new Date(),
    };
    try {
      await CredentialStatusEntryModel.create(entry);
      return entry;
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      const winner = await findStatusEntry(certificateId);
      if (winner) return winner;
    }
  }
  throw new Error(`could not allocate a status list index in ${MAX_DRAWS} draws`);
}

/** The newest list number; lists 1..newest exist. */
export async function newestStatusList(): Promise<number> {
  const newest = await CredentialStatusEntryModel.findOne({}, { statusList: 1 }).sort({ statusList: -1 }).lean();
  return newest?.statusList ?? 1;
}

/** Indexes in one list whose certificates are among those given. */
export async function statusIndexesOf(statusList: number, certificateIds: Types.ObjectId[]): Promise<number[]> {
  if (certificateIds.length === 0) return [];
  const entries = await CredentialStatusEntryModel.find({ statusList, certificateId: { $in: certificateIds } }, { statusListIndex: 1 }).lean();
  return entries.map((entry) => entry.statusListIndex);
}
