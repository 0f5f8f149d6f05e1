import { Types } from 'mongoose';
import { appendEntry, GENESIS_HASH, LedgerAppendOnlyError, LedgerEntryModel, verifyLedger, type LedgerEntry } from '../../src/ledger';
import { useTestDatabase } from '../support/database';
import { offlineCredit } from './fixtures';

useTestDatabase();

describe('ledger entries are append-only in the model layer', () => {
  const teacher = new Types.ObjectId();
  let entry: LedgerEntry;
  beforeAll(async () => {
    entry = (await appendEntry(offlineCredit(teacher, { hours: 4 }))).entry;
  });

  const byId = () => ({ entryId: entry.entryId });
  const writes: [string, () => Promise<unknown>][] = [
    ['Model.updateOne', () => LedgerEntryModel.updateOne(byId(), { $set: { hours: 99 } })],
    ['Model.updateOne with { middleware: false }', () => LedgerEntryModel.updateOne(byId(), { $set: { hours: 99 } }, { middleware: false })],
    ['Model.updateMany', () => LedgerEntryModel.updateMany({}, { $set: { hours: 99 } })],
    ['Model.findOneAndUpdate', () => LedgerEntryModel.findOneAndUpdate(byId(), { $set: { hours: 99 } })],
    ['Model.findOneAndUpdate upsert', () => LedgerEntryModel.findOneAndUpdate({ entryId: 'new' }, { $set: { hours: 99 } }, { upsert: true })],
    ['Model.findByIdAndUpdate', async () => LedgerEntryModel.findByIdAndUpdate((await LedgerEntryModel.findOne(byId()))!._id, { $set: { hours: 99 } })],
    ['Model.findOneAndReplace', () => LedgerEntryModel.findOneAndReplace(byId(), { ...entry, hours: 99 })],
    ['Model.replaceOne', () => LedgerEntryModel.replaceOne(byId(), { ...entry, hours: 99 })],
    ['Model.deleteOne', () => LedgerEntryModel.deleteOne(byId())],
    ['Model.deleteOne with { middleware: false }', () => LedgerEntryModel.deleteOne(byId(), { middleware: false })],
    ['Model.deleteMany', () => LedgerEntryModel.deleteMany({})],
    ['Model.findOneAndDelete', () => LedgerEntryModel.findOneAndDelete(byId())],
    ['Model.findByIdAndDelete', async () => LedgerEntryModel.findByIdAndDelete((await LedgerEntryModel.findOne(byId()))!._id)],
    ['Query.updateOne', () => LedgerEntryModel.find(byId()).updateOne({}, { $set: { hours: 99 } }).exec()],
    ['Query.deleteMany', () => LedgerEntryModel.where(byId()).deleteMany().exec()],
    [
      'document save() after a change',
      async () => {
        const doc = (await LedgerEntryModel.findOne(byId()))!;
        doc.set('hours', 99);
        return doc.save();
      },
    ],
    ['document save() unchanged', async () => (await LedgerEntryModel.findOne(byId()))!.save()],
    ['document updateOne()', async () => (await LedgerEntryModel.findOne(byId()))!.updateOne({ $set: { hours: 99 } })],
    ['document deleteOne()', async () => (await LedgerEntryModel.findOne(byId()))!.deleteOne()],
    [
      'Model.bulkSave',
      async () => {
        const doc = (await LedgerEntryModel.findOne(byId()))!;
        doc.set('hours', 99);
        return LedgerEntryModel.bulkSave([doc]);
      },
    ],
    ['bulkWrite updateOne', () => LedgerEntryModel.bulkWrite([{ updateOne: { filter: byId(), update: { $set: { hours: 99 } } } }])],
    ['bulkWrite updateMany', () => LedgerEntryModel.bulkWrite([{ updateMany: { filter: {}, update: { $set: { hours: 99 } } } }])],
    ['bulkWrite replaceOne', () => LedgerEntryModel.bulkWrite([{ replaceOne: { filter: byId(), replacement: { ...entry, hours: 99 } } }])],
    ['bulkWrite deleteOne', () => LedgerEntryModel.bulkWrite([{ deleteOne: { filter: byId() } }])],
    ['bulkWrite deleteMany', () => LedgerEntryModel.bulkWrite([{ deleteMany: { filter: {} } }])],
    ['bulkWrite deleteMany with { middleware: false }', () => LedgerEntryModel.bulkWrite([{ deleteMany: { filter: {} } }], { middleware: false })],
  ];

  it.each(writes)('%s throws and leaves the entry unchanged', async (_name, write) => {
    await expect(write()).rejects.toBeInstanceOf(LedgerAppendOnlyError);
    expect(await LedgerEntryModel.findOne(byId(), { _id: 0 }).lean()).toEqual(entry);
    expect(await LedgerEntryModel.countDocuments({})).toBe(1);
  });

  it('refuses entries written around appendEntry (no hash of their own content, or in bulk)', async () => {
    const forged = { ...entry, entryId: 'forged', idempotencyKey: 'forged', sequence: 2, prevHash: entry.hash, hours: 50 };
    await expect(LedgerEntryModel.create(forged)).rejects.toBeInstanceOf(LedgerAppendOnlyError);
    await expect(LedgerEntryModel.insertMany([forged])).rejects.toBeInstanceOf(LedgerAppendOnlyError);
    await expect(LedgerEntryModel.bulkWrite([{ insertOne: { document: forged } }])).rejects.toBeInstanceOf(LedgerAppendOnlyError);
    expect(await LedgerEntryModel.countDocuments({})).toBe(1);
  });

  it('still reads normally, and the chain is intact', async () => {
    expect(entry.prevHash).toBe(GENESIS_HASH);
    expect(await verifyLedger()).toEqual({ teachers: 1, entries: 1, breaks: [] });
  });
});
