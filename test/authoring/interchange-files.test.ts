import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { loadCatalog, type LoadedCatalog } from '../../src/courses';
import { readBundleZip, readCourseZip, writeBundleZip, writeCourseZip, ZIP_LIMITS, type CourseBundle } from '../../src/authoring/interchange';

const ROOT = path.resolve(__dirname, '..', '..');

function bundleOf(catalog: LoadedCatalog): CourseBundle {
  return {
    modules: catalog.modules.map(({ manifest, lessons }) => ({
      manifest,
      lessons: lessons.map(({ html: _html, ...lesson }, index) => ({ ...lesson, path: manifest.lessons[index]! })),
    })),
    banks: catalog.banks.map(({ bank }) => bank),
  };
}

function extract(zip: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'shixun-interchange-'));
  for (const [name, data] of Object.entries(unzipSync(zip))) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), data);
  }
  return dir;
}

const messages = (errors: { file: string; message: string }[]) => errors.map((error) => `${error.file}: ${error.message}`);

describe('zip export of the shipped catalog', () => {
  const catalog = loadCatalog(path.join(ROOT, 'courses'), ROOT);
  const zip = writeBundleZip(bundleOf(catalog));

  it('writes files that pass the same checks as `npm run courses:check`', () => {
    const dir = extract(zip);
    try {
      const reloaded = loadCatalog(path.join(dir, 'courses'), dir);
      expect(reloaded.errors).toEqual([]);
      expect(reloaded.modules.map((m) => m.manifest.id)).toEqual(catalog.modules.map((m) => m.manifest.id));
      // What a learner sees is unchanged: the loader's content hashes agree with the originals.
      expect(reloaded.modules.map((m) => m.contentHash)).toEqual(catalog.modules.map((m) => m.contentHash));
      expect(reloaded.banks.map((b) => b.contentHash)).toEqual(catalog.banks.map((b) => b.contentHash));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is byte-for-byte stable: exported, imported and exported again gives the same zip', async () => {
    const imported = await readBundleZip(zip);
    expect(imported.errors).toEqual([]);
    expect(Buffer.from(writeBundleZip(imported.bundle)).equals(Buffer.from(zip))).toBe(true);
    // And independent of the time it is written at.
    expect(Buffer.from(writeBundleZip(bundleOf(catalog))).equals(Buffer.from(zip))).toBe(true);
  });

  it('writes the format as trainers write it: flow lists of ids, no default noise', () => {
    const files = unzipSync(zip);
    const manifest = new TextDecoder().decode(files['courses/modules/safety-fire/module.yaml']);
    expect(manifest).toBe(readFileSync(path.join(ROOT, 'courses/modules/safety-fire/module.yaml'), 'utf8').replace('  pools:', '  shuffleItems: true\n  shuffleOptions: true\n  pools:'));
    const lesson = new TextDecoder().decode(files['courses/modules/safety-fire/lessons/01-inspection-and-facilities.md']);
    expect(lesson).toBe(readFileSync(path.join(ROOT, 'courses/modules/safety-fire/lessons/01-inspection-and-facilities.md'), 'utf8'));
  });
});

describe('zip import refuses hostile or broken zips with clear errors', () => {
  const bank = readFileSync(path.join(ROOT, 'courses/banks/safety-fire.yaml'), 'utf8');

  it('refuses path traversal, absolute paths, backslashes and files outside the format', () => {
    const zip = zipSync({
      '../evil.yaml': strToU8('x'),
      'courses/../../etc/cron.d/x': strToU8('x'),
      '/etc/passwd': strToU8('x'),
      'C:/Windows/x.yaml': strToU8('x'),
      'courses\\banks\\x.yaml': strToU8('x'),
      'courses/banks/notes.txt': strToU8('x'),
      'courses/banks/safety-fire.yaml': strToU8(bank),
      '__MACOSX/courses/banks/._safety-fire.yaml': strToU8('x'),
    });
    const { files, errors } = readCourseZip(zip);
    expect(files.map((file) => file.path)).toEqual(['courses/banks/safety-fire.yaml']);
    expect(messages(errors)).toEqual([
      '../evil.yaml: paths with "." or ".." segments are refused',
      'courses/../../etc/cron.d/x: paths with "." or ".." segments are refused',
      '/etc/passwd: absolute paths are refused',
      'C:/Windows/x.yaml: absolute paths are refused',
      'courses\\banks\\x.yaml: paths with backslashes are refused',
      expect.stringMatching(/^courses\/banks\/notes\.txt: is not a course file: expected courses\/modules/),
    ]);
  });

  it('refuses a zip bomb by its declared sizes, before inflating it', () => {
    const zeros = new Uint8Array(ZIP_LIMITS.maxFileBytes + 1);
    const zip = zipSync({ 'courses/banks/bomb.yaml': zeros }, { level: 9 });
    expect(zip.byteLength).toBeLessThan(10_000);
    expect(messages(readCourseZip(zip).errors)).toEqual([`courses/banks/bomb.yaml: is ${zeros.byteLength} bytes uncompressed; the limit per file is ${ZIP_LIMITS.maxFileBytes}`]);

    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`courses/banks/b${i}.yaml`, new Uint8Array(1000)]));
    expect(messages(readCourseZip(zipSync(many), { ...ZIP_LIMITS, maxTotalBytes: 20_000 }).errors)).toEqual(['(zip): the zip expands to more than 20000 bytes']);
    expect(messages(readCourseZip(zipSync(many), { ...ZIP_LIMITS, maxEntries: 10 }).errors)).toEqual(['(zip): the zip has more than 10 entries']);
  });

  it('refuses an entry whose directory lies about its size', () => {
    const zip = zipSync({ 'courses/banks/liar.yaml': new Uint8Array(500_000).fill(65) });
    const view = new DataView(zip.buffer);
    // Both headers claim 100 bytes; the data inflates to 500 000.
    for (let i = 0; i + 4 <= zip.length; i++) {
      const signature = view.getUint32(i, true);
      if (signature === 0x04034b50) view.setUint32(i + 22, 100, true);
      if (signature === 0x02014b50) view.setUint32(i + 24, 100, true);
    }
    expect(messages(readCourseZip(zip).errors)).toEqual(['courses/banks/liar.yaml: is damaged: its content does not match the size and checksum the zip records for it']);
  });

  it('refuses text that is not UTF-8, duplicate names and files that are not zips', () => {
    const gbk = Uint8Array.from([0xc9, 0xcf, 0xba, 0xa3]); // "上海" in GBK
    expect(messages(readCourseZip(zipSync({ 'courses/banks/gbk.yaml': gbk })).errors)).toEqual(['courses/banks/gbk.yaml: is not UTF-8 text (save it as UTF-8)']);
    expect(messages(readCourseZip(strToU8('PK not really a zip')).errors)).toEqual(['(zip): this is not a readable zip file']);
    expect(messages(readCourseZip(new Uint8Array(ZIP_LIMITS.maxZipBytes + 1)).errors)).toEqual([`(zip): the zip is ${ZIP_LIMITS.maxZipBytes + 1} bytes; the limit is ${ZIP_LIMITS.maxZipBytes}`]);
    // Rename entry "b" to "a" in every header: one name, two entries.
    const twice = zipSync({ 'courses/banks/a.yaml': strToU8('x'), 'courses/banks/b.yaml': strToU8('y') });
    for (let i = 0; i + 20 <= twice.length; i++) {
      if (Buffer.from(twice.subarray(i, i + 20)).toString('latin1') === 'courses/banks/b.yaml') twice[i + 14] = 'a'.charCodeAt(0);
    }
    expect(messages(readCourseZip(twice).errors)).toEqual(['courses/banks/a.yaml: appears twice in the zip']);
    expect(() => writeCourseZip([{ path: 'courses/banks/a.yaml', text: 'x' }, { path: 'courses/banks/a.yaml', text: 'y' }])).toThrow('two files');
  });

  it('reports course errors located by file, line and column, as the checker does', async () => {
    const broken = bank.replace('answer: c\n', 'answer: z\n');
    const zip = writeCourseZip([
      { path: 'courses/banks/safety-fire.yaml', text: broken },
      { path: 'courses/modules/orphan/lessons/01-a.md', text: '---\nid: a\ntitle: A\nminutes: 1\n---\n\nText\n' },
    ]);
    const { errors } = await readBundleZip(zip);
    expect(errors.map((e) => `${e.file}:${e.line}:${e.column}  ${e.message}`)).toEqual([
      'courses/banks/safety-fire.yaml:25:13  items.0.answer: answer names option "z", which is not among the options',
      'courses/modules/orphan:1:1  module folder has no module.yaml',
    ]);
  });
});
