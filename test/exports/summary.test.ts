import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Types } from 'mongoose';
import { evaluateTeacher, findProfile, loadPolicyProfiles } from '../../src/ledger/policies';
import { exportLedgerCsv, exportLedgerXlsx, judgementMoment, type ExportProgress } from '../../src/ledger/exports';
import { UserModel } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { credit, seedDistrict, teacher } from './fixtures';

useTestDatabase();

const profile = findProfile(loadPolicyProfiles().profiles, 'default')!;
const asOf = new Date('2026-11-23T08:00:00Z');
const folder = mkdtempSync(path.join(tmpdir(), 'shixun-summary-'));
let n = 0;

async function summary(filters: Parameters<typeof exportLedgerCsv>[1]['filters']) {
  const file = path.join(folder, `summary-${(n += 1)}.csv`);
  const result = await exportLedgerCsv(file, { filters, profileId: 'default', asOf, sheet: 'summary' });
  return { result, rows: parse(readFileSync(file, 'utf8'), { bom: true, columns: true }) as Record<string, string>[] };
}

const ANNUAL = '在岗班主任每年专题培训不少于 20 学时 (homeroom-inservice-annual)';
const ANNUAL_SHORT = '差额学时 (Hours short, homeroom-inservice-annual)';
const PRE_SERVICE = '新任班主任上岗前培训不少于 30 学时 (homeroom-new-pre-service)';
const CYCLE = '五年一周期继续教育不少于 360 学时 (continuing-education-cycle)';
const CYCLE_SHORT = '差额学时 (Hours short, continuing-education-cycle)';
const TOTAL = '2026 年度学时合计 (Total hours, 2026)';

describe('ledger summary', () => {
  let district: Awaited<ReturnType<typeof seedDistrict>>;
  beforeAll(async () => {
    district = await seedDistrict();
  });

  it('gives each teacher in scope their hours and the status of each requirement, as evaluateTeacher does', async () => {
    const { rows, result } = await summary({ trainingYear: 2026 });
    expect(result.teachers).toBe(4);
    // Up to 1 000 teachers: by school, then name.
    expect(rows.map((row) => [row['学校 (School)'], row['教师 (Teacher)']])).toEqual([
      ['S001', "'+1"],
      ['S001', `'=HYPERLINK("x")`],
      ['S002', "'@cmd"],
      ['S003', '张老师'],
    ]);
    const byId = new Map(rows.map((row) => [row['教师 ID (Teacher ID)'], row]));
    const met = byId.get(district.met._id.toHexString())!;
    const short = byId.get(district.short._id.toHexString())!;
    const at = byId.get(district.at._id.toHexString())!;
    const zhang = byId.get(district.zhang._id.toHexString())!;

    expect(met).toMatchObject({ [ANNUAL]: '达标 (met)', [ANNUAL_SHORT]: '0', [TOTAL]: '20', '班主任层级 (Homeroom tier)': '在岗班主任 (inservice)' });
    expect(short).toMatchObject({ [ANNUAL]: '差 8 学时 (short by 8)', [ANNUAL_SHORT]: '8', [TOTAL]: '12', [PRE_SERVICE]: '' });
    expect(zhang).toMatchObject({ [PRE_SERVICE]: '达标 (met)', [ANNUAL]: '', [TOTAL]: '30', '新任班主任学时 (New homeroom teacher hours)': '30' });
    // The reversal cancels the safety hours; last year's ethics hours are not this year's.
    expect(at).toMatchObject({ [TOTAL]: '3', '学校安全学时 (School safety hours)': '0', '校本培训学时 (School-based training hours)': '3', '师德师风学时 (Ethics and integrity hours)': '0', [ANNUAL]: '', '班主任层级 (Homeroom tier)': '' });
    // The cycle counts every year of 2026–2030 by occurredAt; 2025 is outside it.
    expect(at[CYCLE_SHORT]).toBe('357');
    expect(at[CYCLE]).toBe('差 357 学时 (short by 357)');

    const expectations = [
      { row: met, audiences: ['homeroom-inservice'] as const, entries: district.metEntries },
      { row: short, audiences: ['homeroom-inservice'] as const, entries: district.shortEntries },
      { row: at, audiences: [] as const, entries: [district.schoolBased, district.safety, district.reversal, district.lastYear] },
      { row: zhang, audiences: ['homeroom-new'] as const, entries: district.zhangEntries },
    ];
    for (const { row, audiences, entries } of expectations) {
      const statuses = evaluateTeacher(profile, { audiences, postStartDate: row === zhang ? new Date('2026-09-01T00:00:00Z') : undefined }, entries, asOf);
      for (const status of statuses) {
        const id = status.requirement.id;
        const cell = row[`${status.requirement.title['zh-CN']} (${id})`];
        expect(cell).toBe(status.met ? '达标 (met)' : `差 ${status.shortBy} 学时 (short by ${status.shortBy})`);
        expect(row[`差额学时 (Hours short, ${id})`]).toBe(String(status.shortBy));
      }
      expect(row['全部要求 (All requirements, profile default)']).toBe(statuses.every((s) => s.met) ? '达标 (met)' : '未达标 (short)');
    }
  });

  it('narrows to the scope and the category', async () => {
    const { rows } = await summary({ trainingYear: 2026, schoolCodes: ['S002'], category: 'safety' });
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).filter((header) => header.endsWith(' hours)'))).toEqual(['学校安全学时 (School safety hours)']);
    expect(rows[0]![TOTAL]).toBe('0');
    expect((await summary({ trainingYear: 2026, schoolCodes: [] })).rows).toEqual([]);
  });

  it('judges a past year at its end, the current one now, a future one at its start', () => {
    expect(judgementMoment(2025, profile, asOf).toISOString()).toBe('2025-12-31T15:59:59.999Z');
    expect(judgementMoment(2026, profile, asOf)).toEqual(asOf);
    expect(judgementMoment(2027, profile, asOf).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('streams more than 1 000 teachers in one pass in teacher-id order, with the same figures', async () => {
    const before = await summary({ trainingYear: 2026 });
    const now = new Date();
    await UserModel.insertMany(
      Array.from({ length: 1100 }, (_, i) => ({
        _id: new Types.ObjectId(),
        provider: 'bulk',
        subject: `bulk-${i}`,
        displayName: `批量教师${i}`,
        schoolCode: `B${String(i % 7).padStart(2, '0')}`,
        roles: ['learner'],
        createdAt: now,
        lastSeenAt: now,
      })),
    );
    const late = await teacher('后来者', 'S001', { homeroomTier: 'inservice' });
    await credit(late, { category: 'homeroom-inservice', hours: 5.25 });
    await credit(late, { category: 'homeroom-inservice', hours: 0.1 });
    await credit(late, { category: 'homeroom-inservice', hours: 0.2 });

    const { rows, result } = await summary({ trainingYear: 2026 });
    expect(result.teachers).toBe(4 + 1100 + 1);
    const ids = rows.map((row) => row['教师 ID (Teacher ID)']!);
    expect(ids).toEqual([...ids].sort());
    const byId = new Map(rows.map((row) => [row['教师 ID (Teacher ID)'], row]));
    for (const row of before.rows) expect(byId.get(row['教师 ID (Teacher ID)'])).toEqual(row);
    expect(byId.get(late._id.toHexString())).toMatchObject({ [TOTAL]: '5.55', [ANNUAL]: '差 14.45 学时 (short by 14.45)' });
    expect(rows.filter((row) => row[TOTAL] === '0')).toHaveLength(1100); // the bulk teachers have no entries

    // An XLSX of that many teachers counts its detail rows while reading the ledger for the summary.
    const reports: ExportProgress[] = [];
    const scope = ['S001', 'S002', 'B00', 'B01', 'B02', 'B03', 'B04', 'B05', 'B06'];
    const xlsx = await exportLedgerXlsx(path.join(folder, 'many.xlsx'), { filters: { trainingYear: 2026, schoolCodes: scope }, profileId: 'default', asOf, progress: (p) => reports.push(p) });
    expect(xlsx).toEqual({ teachers: 1100 + 4, entries: 2 + 1 + 3 + 3 });
    expect(reports.find((p) => p.phase === 'detail')).toEqual({ processed: 1105, total: 1104 + 9, phase: 'detail' });

    // The detail of teachers by requirement status takes the same one-pass path.
    const file = path.join(folder, 'short-detail.csv');
    const detail = await exportLedgerCsv(file, { filters: { trainingYear: 2026, requirementStatus: 'short' }, profileId: 'default', asOf });
    expect(detail.entries).toBe(8 + 3);
    const detailIds = (parse(readFileSync(file, 'utf8'), { bom: true, columns: true }) as Record<string, string>[]).map((row) => row['教师 ID (Teacher ID)']!);
    expect(detailIds).toEqual([...detailIds].sort());
  });
});
