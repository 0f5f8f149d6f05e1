import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, strToU8, zipSync } from 'fflate';
import type { Agent } from 'supertest';
import { getDraft } from '../../src/authoring';
import { writeBundleZip, type CourseBundle } from '../../src/authoring/interchange';
import { loadCatalog, syncCatalog } from '../../src/courses';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, signIn, testApp, TestClock } from '../support/web';

useTestDatabase();

const ROOT = path.resolve(__dirname, '..', '..');
const MODULE = 'safety-lab-basics';

const bundle: CourseBundle = {
  modules: [
    {
      manifest: {
        id: MODULE,
        version: 1,
        title: { 'zh-CN': '实验室安全基础', en: 'Laboratory safety basics' },
        track: 'safety',
        category: 'safety',
        creditHours: 1,
        lessons: ['lessons/01-storage.md'],
        completion: {},
        assessment: { passMark: 80, cooldownMinutes: 0, countedAttempt: 'highest', review: 'after-each-attempt', shuffleItems: true, shuffleOptions: true, pools: [{ bank: MODULE, draw: 1 }] },
      },
      lessons: [{ path: 'lessons/01-storage.md', id: 'storage', title: '存放与领用', minutes: 6, markdown: '## 专柜存放\n\n危险化学品存放在专用库房，双人双锁。' }],
    },
  ],
  banks: [
    {
      id: MODULE,
      version: 1,
      track: 'safety',
      title: { 'zh-CN': '实验室安全基础' },
      items: [{ id: 'lab-001', type: 'true-false', stem: '危险化学品可以放在教室讲台下。', difficulty: 'easy', tags: ['storage'], points: 1, answer: false, feedback: '危险化学品须专库专柜、双人双锁存放。' }],
    },
  ],
};
const zip = Buffer.from(writeBundleZip(bundle));

async function csrfOf(agent: Agent, url: string): Promise<string> {
  return csrfTokenIn((await agent.get(url).expect(200)).text);
}

function download(agent: Agent, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);
}

let app: ReturnType<typeof testApp>;
let trainer: Agent;

beforeAll(async () => {
  app = testApp({ clock: new TestClock().now });
  const catalog = loadCatalog(path.join(ROOT, 'courses'), ROOT);
  await syncCatalog({ modules: catalog.modules.filter((m) => m.manifest.id === 'safety-fire'), banks: catalog.banks.filter((b) => b.bank.id === 'safety-fire'), errors: [] });
  trainer = await signIn(app, '王培训', '', 'trainer');
});

describe('zip import and export in the browser', () => {
  it('shows a dry run, then creates the draft on confirmation; the draft exports to the same bytes', async () => {
    const dryRun = await trainer
      .post('/authoring/import')
      .field('_csrf', await csrfOf(trainer, '/authoring/import'))
      .attach('file', zip, { filename: 'lab.zip', contentType: 'application/zip' })
      .expect(200);
    expect(dryRun.text).toContain('检查结果：lab.zip');
    expect(dryRun.text).toContain('新建草稿');
    expect(dryRun.text).toContain(`courses/modules/${MODULE}/lessons/01-storage.md`);
    expect(await getDraft(MODULE)).toBeNull();

    const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(dryRun.text)![1]!;
    const checksum = /name="checksum" value="([0-9a-f]{64})"/.exec(dryRun.text)![1]!;
    const done = await trainer.post('/authoring/import/confirm').type('form').send({ _csrf: csrfTokenIn(dryRun.text), checksum, fingerprint }).expect(200);
    expect(done.text).toContain('导入完成');
    expect((await getDraft(MODULE))?.lessons.map((lesson) => lesson.id)).toEqual(['storage']);

    const exported = await download(trainer, `/authoring/${MODULE}/export.zip`);
    expect(exported.headers['content-type']).toBe('application/zip');
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="shixun-${MODULE}.zip"`);
    expect(Buffer.compare(exported.body as Buffer, zip)).toBe(0);

    // The draft page links to both round-trip actions.
    const draftPage = await trainer.get(`/authoring/${MODULE}`).expect(200);
    expect(draftPage.text).toContain(`/authoring/${MODULE}/export.zip`);
    expect(draftPage.text).toContain(`/authoring/${MODULE}/questions/import`);
  });

  it('lists every error of a hostile zip and offers nothing to confirm', async () => {
    const hostile = zipSync({ '../../etc/passwd': strToU8('x'), 'courses/banks/bad.yaml': strToU8('id: bad\nversion: one\n') });
    const page = await trainer
      .post('/authoring/import')
      .field('_csrf', await csrfOf(trainer, '/authoring/import'))
      .attach('file', Buffer.from(hostile), { filename: 'hostile.zip', contentType: 'application/zip' })
      .expect(200);
    expect(page.text).toContain('../../etc/passwd:1:1  paths with &quot;.&quot; or &quot;..&quot; segments are refused');
    expect(page.text).toMatch(/courses\/banks\/bad\.yaml:2:\d+ {2}version: /);
    expect(page.text).not.toContain('/authoring/import/confirm');
  });

  it('answers a stale confirmation with the current dry run', async () => {
    const changed = { ...bundle, modules: [{ ...bundle.modules[0]!, lessons: [{ ...bundle.modules[0]!.lessons[0]!, markdown: '## 专柜存放\n\n领用要登记。' }] }] };
    const dryRun = await trainer
      .post('/authoring/import')
      .field('_csrf', await csrfOf(trainer, '/authoring/import'))
      .attach('file', Buffer.from(writeBundleZip(changed)), { filename: 'lab-2.zip', contentType: 'application/zip' })
      .expect(200);
    expect(dryRun.text).toContain('更新草稿');
    const checksum = /name="checksum" value="([0-9a-f]{64})"/.exec(dryRun.text)![1]!;
    const page = await trainer.post('/authoring/import/confirm').type('form').send({ _csrf: csrfTokenIn(dryRun.text), checksum, fingerprint: '0'.repeat(64) }).expect(409);
    expect(page.text).toContain('检查之后，草稿或文件发生了变化');
    expect((await getDraft(MODULE))?.lessons[0]?.markdown).not.toContain('领用要登记');
  });

  it('speaks English too', async () => {
    const page = await trainer.get('/authoring/import?lang=en').expect(200);
    expect(page.text).toContain('<h1>Import a course zip</h1>');
    expect(page.text).toContain('at most 10 MB');
    const questions = await trainer.get(`/authoring/${MODULE}/questions/import`).expect(200);
    expect(questions.text).toContain('GIFT (Moodle)');
    await trainer.get('/authoring/import?lang=zh-CN').expect(200);
  });

  it('exports the published catalog', async () => {
    const res = await download(trainer, '/authoring/export');
    expect(Object.keys(unzipSync(new Uint8Array(res.body as Buffer)))).toContain('courses/modules/safety-fire/module.yaml');
  });
});

describe('question import in the browser', () => {
  it('previews a GIFT paste with a report of every line not converted, then adds the questions', async () => {
    const gift = readFileSync(path.join(__dirname, 'interchange-corpus', 'moodle.gift.txt'), 'utf8');
    const form = await trainer.get(`/authoring/${MODULE}/questions/import`).expect(200);
    const preview = await trainer
      .post(`/authoring/${MODULE}/questions/import`)
      .field('_csrf', csrfTokenIn(form.text))
      .field('format', 'gift')
      .field('text', gift)
      .expect(200);
    expect(preview.text).toContain('共找到 13 道题，可以转换 7 道；6 处无法转换');
    expect(preview.text).toContain('题型 Numerical 没有对应的题型');
    expect(preview.text).toMatch(/<td class="num">40<\/td><td>无法转换<\/td><td>选项太多（9 个，最多 8 个）<\/td>/);
    expect(preview.text).toContain('<code>lab-002</code>');

    await trainer
      .post(`/authoring/${MODULE}/questions/import/confirm`)
      .field('_csrf', csrfTokenIn(preview.text))
      .field('revision', /name="revision" value="(\d+)"/.exec(preview.text)![1]!)
      .field('format', 'gift')
      .field('text', gift)
      .expect(303)
      .expect('Location', `/authoring/${MODULE}#questions`);
    const items = (await getDraft(MODULE))?.bank?.items ?? [];
    expect(items.map((item) => item.id)).toEqual(['lab-001', 'lab-002', 'lab-003', 'lab-004', 'lab-005', 'lab-006', 'lab-007', 'lab-008']);
  });

  it('reads an uploaded Aiken file, GB18030 included', async () => {
    const gbk = Buffer.from([0xce, 0xca, 0xcc, 0xe2, 0xa3, 0xbf, 0x0a]); // "问题？\n" in GB18030
    const text = Buffer.concat([gbk, Buffer.from('A. 1\nB. 2\nANSWER: B\n')]);
    const form = await trainer.get(`/authoring/${MODULE}/questions/import`).expect(200);
    const preview = await trainer
      .post(`/authoring/${MODULE}/questions/import`)
      .field('_csrf', csrfTokenIn(form.text))
      .field('format', 'aiken')
      .attach('file', text, { filename: 'aiken.txt', contentType: 'text/plain' })
      .expect(200);
    expect(preview.text).toContain('aiken.txt 不是 UTF-8 编码，已按 GB18030 读取');
    expect(preview.text).toContain('<td>问题？</td>');
  });

  it('never puts hostile question text on the page unescaped', async () => {
    const hostile = [
      '<script>alert(1)</script>哪个正确？ {=<img src=x onerror=alert(2)>对 ~错}',
      '',
      '[html]<a href="javascript:alert(3)">链接</a>安全吗？ {T####<svg onload=alert(4)>解析</svg>}',
      '',
      '"><script>alert(5)</script> {=a ~b}',
    ].join('\n');
    const form = await trainer.get(`/authoring/${MODULE}/questions/import`).expect(200);
    const preview = await trainer
      .post(`/authoring/${MODULE}/questions/import`)
      .field('_csrf', csrfTokenIn(form.text))
      .field('format', 'gift')
      .field('text', hostile)
      .expect(200);
    expect(preview.text).not.toMatch(/<script>alert|<img src=x|<svg onload|<a href="javascript:/);
    expect(preview.text).toContain('&lt;script&gt;alert(5)');
  });

  it('refuses a confirmation made from an outdated revision', async () => {
    const form = await trainer.get(`/authoring/${MODULE}/questions/import`).expect(200);
    await trainer
      .post(`/authoring/${MODULE}/questions/import/confirm`)
      .field('_csrf', csrfTokenIn(form.text))
      .field('revision', '1')
      .field('format', 'aiken')
      .field('text', '问题？\nA. 是\nB. 否\nANSWER: A\n')
      .expect(409);
  });
});

describe('who may use the round trip', () => {
  it('keeps learners out, other trainers away from drafts they do not edit, and requires the CSRF token', async () => {
    const learner = await signIn(app, '张老师', '', 'learner');
    await learner.get('/authoring/import').expect(403);
    await learner.get('/authoring/export').expect(403);

    const other = await signIn(app, '李培训', '', 'trainer');
    await other.get(`/authoring/${MODULE}/questions/import`).expect(403);
    await other.get(`/authoring/${MODULE}/export.zip`).expect(403);

    await trainer.post('/authoring/import').attach('file', zip, { filename: 'lab.zip', contentType: 'application/zip' }).expect(403);
    await trainer.post(`/authoring/${MODULE}/questions/import`).field('format', 'gift').field('text', 'Q {T}').expect(403);
  });
});
