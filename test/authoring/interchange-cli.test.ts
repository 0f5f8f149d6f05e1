import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { getDraft } from '../../src/authoring';
import { loadCatalog, syncCatalog } from '../../src/courses';
import { shixunOn } from '../support/cli';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase();
const shixun = shixunOn(database);
const ROOT = path.resolve(__dirname, '..', '..');

beforeAll(async () => {
  const catalog = loadCatalog(path.join(ROOT, 'courses'), ROOT);
  await syncCatalog({ modules: catalog.modules.filter((m) => m.manifest.id === 'safety-food'), banks: catalog.banks.filter((b) => b.bank.id === 'safety-food'), errors: [] });
});

describe('shixun courses export / import', () => {
  it('exports a published module, dry-runs its import, and applies an edited copy to a draft', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shixun-cli-zip-'));
    const out = path.join(dir, 'food.zip');
    const exported = shixun(['courses', 'export', '--module', 'safety-food', '--out', out]);
    expect(exported.stderr).not.toMatch(/error/i);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`wrote ${out}: 1 module`);

    const dryRun = shixun(['courses', 'import', out, '--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('unchanged safety-food');

    const files = unzipSync(readFileSync(out));
    const lesson = Object.keys(files).find((name) => name.includes('/lessons/01-'))!;
    files[lesson] = strToU8(`${strFromU8(files[lesson]!)}\n留样 48 小时。\n`);
    const edited = path.join(dir, 'food-edited.zip');
    writeFileSync(edited, zipSync(files));

    const preview = shixun(['courses', 'import', edited, '--dry-run']);
    expect(preview.stdout).toContain(`update    safety-food: ${lesson}`);
    expect(await getDraft('safety-food')).toBeNull();

    const applied = shixun(['courses', 'import', edited]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('drafts created: 0, updated: 1');
    expect((await getDraft('safety-food'))?.lessons[0]?.markdown).toContain('留样 48 小时。');
  });

  it('prints located errors and exits 1 for a broken zip; usage errors exit 2', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shixun-cli-zip-'));
    const broken = path.join(dir, 'broken.zip');
    writeFileSync(broken, zipSync({ 'courses/banks/x.yaml': strToU8('id: y\n') }));
    const result = shixun(['courses', 'import', broken]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^courses\/banks\/x\.yaml:\d+:\d+ {2}/m);

    expect(shixun(['courses', 'export', '--out', path.join(dir, 'x.zip')]).code).toBe(2);
    expect(shixun(['courses', 'export', '--module', 'nope', '--out', path.join(dir, 'x.zip')]).code).toBe(1);
    expect(shixun(['courses', 'import']).code).toBe(2);
  });
});
