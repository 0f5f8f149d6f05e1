import { deflateSync } from 'node:zlib';
import type { Agent } from 'supertest';
import { ModuleVersionModel } from '../../src/courses';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, signIn, testApp } from '../support/web';

useTestDatabase();

const MODULE = 'hostile-module';

/** Things an author (or a compromised account, or a pasted web page) might put into content. */
const CORPUS = [
  '<script>alert("x")</script>',
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '[shout](JaVaScRiPt:alert(1))',
  '[entity](&#106;avascript:alert(1))',
  '<a href="javascript:alert(1)">link</a>',
  '<svg onload=alert(1)><script>alert(2)</script></svg>',
  '![pixel](https://evil.example/track.png)',
  '![js](javascript:alert(1))',
  '<iframe src="https://evil.example"></iframe>',
  '"><script>alert(3)</script>',
  "' onmouseover='alert(4)",
  '<style>body{display:none}</style>',
  '<div style="background:url(javascript:alert(5))">x</div>',
];
const HOSTILE = CORPUS.join('\n\n');
const ONE_LINE = CORPUS.join(' ');
/** Titles are at most 200 characters. */
const TITLE = [CORPUS[0], CORPUS[1], CORPUS[10], CORPUS[11], CORPUS[5]].join(' ');

/**
 * Nothing executable, no event handler, no javascript: URL, no foreign image or frame in the
 * markup. Attribute checks look inside real tags only: escaped text such as `&lt;a href="javascript:`
 * is what a reader is meant to see.
 */
function expectInert(html: string, where: string): void {
  const problems = [
    ...[...html.matchAll(/<script\b(?![^>]*\bsrc="\/static\/[a-z-]+\.js")[^>]*>/gi)].map((m) => `script tag ${m[0]}`),
    ...[...html.matchAll(/<[a-z][^<>]*\son[a-z]+\s*=/gi)].map((m) => `event handler ${m[0]}`),
    ...[...html.matchAll(/<[a-z][^<>]*\b(href|src|action|formaction)\s*=\s*["']?\s*javascript:/gi)].map((m) => `javascript URL ${m[0]}`),
    ...[...html.matchAll(/<(svg|iframe|object|embed|style)\b/gi)].map((m) => `tag ${m[0]}`),
    ...[...html.matchAll(/<img\b(?![^>]*\bsrc="\/authoring\/media\/[a-f0-9]{32}\.(png|jpg|gif|webp)")[^>]*>/gi)].map((m) => `image ${m[0]}`),
    ...[...html.matchAll(/<[a-z][^<>]*\sstyle="[^"]*url\(/gi)].map((m) => `style url ${m[0]}`),
  ];
  expect({ where, problems }).toEqual({ where, problems: [] });
}

async function postForm(agent: Agent, pageUrl: string, action: string, fields: Record<string, string>, expected = 303) {
  const page = await agent.get(pageUrl).expect(200);
  const revision = /name="revision" value="(\d+)"/.exec(page.text)?.[1] ?? '';
  return agent.post(action).type('form').send({ _csrf: csrfTokenIn(page.text), revision, ...fields }).expect(expected);
}

/** A tiny valid PNG: signature, IHDR, IDAT, IEND (CRCs are not checked by anyone here). */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => Buffer.concat([Buffer.alloc(4, 0), Buffer.from(type, 'latin1'), data, Buffer.alloc(4, 0)]);
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('hostile content never reaches a page unescaped', () => {
  let app: ReturnType<typeof testApp>;
  let trainer: Agent;
  let imageName = '';

  beforeAll(async () => {
    app = testApp();
    trainer = await signIn(app, '培训者', '', 'trainer');
    const index = await trainer.get('/authoring').expect(200);
    await trainer.post('/authoring').type('form').send({ _csrf: csrfTokenIn(index.text), moduleId: MODULE, titleZh: TITLE, track: 'safety' }).expect(303);
    await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/settings`, {
      titleZh: TITLE,
      titleEn: TITLE,
      summaryZh: HOSTILE,
      track: 'safety',
      category: 'safety',
      creditHours: '1',
    });
    await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/lessons`, {});
    await postForm(trainer, `/authoring/${MODULE}/lessons/0`, `/authoring/${MODULE}/lessons/0`, {
      id: 'hostile',
      title: TITLE,
      titleEn: TITLE,
      minutes: '5',
      markdown: `## ${ONE_LINE}\n\n${HOSTILE}`,
    });
    await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/items`, { type: 'single' });
    await postForm(trainer, `/authoring/${MODULE}/items/0`, `/authoring/${MODULE}/items/0`, {
      id: 'evil-1',
      stem: ONE_LINE,
      'options.0.text': CORPUS[0]!,
      'options.0.feedback': CORPUS[1]!,
      'options.1.text': CORPUS[10]!,
      'options.1.feedback': CORPUS[11]!,
      answer: '1',
      difficulty: 'easy',
      tags: 'evil',
      points: '1',
      feedback: HOSTILE,
    });
  });

  it('keeps the authoring pages inert', async () => {
    for (const url of ['/authoring', `/authoring/${MODULE}`, `/authoring/${MODULE}/lessons/0`, `/authoring/${MODULE}/items/0`, `/authoring/${MODULE}/assessment`, `/authoring/${MODULE}/publish`]) {
      expectInert((await trainer.get(url).expect(200)).text, url);
    }
  });

  it('sanitises the live Markdown preview on the server', async () => {
    const page = await trainer.get(`/authoring/${MODULE}/lessons/0`).expect(200);
    const preview = await trainer
      .post(`/authoring/${MODULE}/preview-markdown`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), markdown: HOSTILE })
      .expect(200);
    expectInert(preview.body.html, 'markdown preview');
    expect(preview.body.html).toContain('&lt;script&gt;');
  });

  it('keeps the learner preview and its graded review inert', async () => {
    const preview = await trainer.get(`/authoring/${MODULE}/preview`).expect(200);
    expectInert(preview.text, 'preview');
    const seed = /name="seed" value="([^"]+)"/.exec(preview.text)![1]!;
    const name = /<input type="radio" name="([^"]+)" value="1">/.exec(preview.text)![1]!;
    const graded = await trainer.post(`/authoring/${MODULE}/preview`).type('form').send({ _csrf: csrfTokenIn(preview.text), seed, [name]: '1' }).expect(200);
    expect(graded.text).toContain('score-number');
    expectInert(graded.text, 'preview review');
  });

  it('publishes sanitised HTML, and learner pages stay inert even if stored HTML was tampered with', async () => {
    const page = await trainer.get(`/authoring/${MODULE}/publish`).expect(200);
    const revision = /name="revision" value="(\d+)"/.exec(page.text)![1]!;
    await trainer.post(`/authoring/${MODULE}/publish`).type('form').send({ _csrf: csrfTokenIn(page.text), revision }).expect(303);
    const stored = await ModuleVersionModel.findOne({ moduleId: MODULE, version: 1 }).lean();
    expectInert(stored!.lessons[0]!.html, 'stored lesson html');

    const learner = await signIn(app, '学员');
    for (const url of ['/catalog', `/modules/${MODULE}`, `/modules/${MODULE}/v/1/lessons/hostile`]) {
      expectInert((await learner.get(url).expect(200)).text, url);
    }
    // Render-time sanitising is a second wall: HTML that bypassed import is cleaned on the way out.
    await ModuleVersionModel.collection.updateOne({ moduleId: MODULE, version: 1 }, { $set: { 'lessons.0.html': `<p>ok</p>${CORPUS.join('')}<img src="x" onerror="alert(9)">` } });
    expectInert((await learner.get(`/modules/${MODULE}/v/1/lessons/hostile`).expect(200)).text, 'tampered lesson');

    const lesson = await learner.get(`/modules/${MODULE}/v/1/lessons/hostile`).expect(200);
    await learner.post(`/modules/${MODULE}/v/1/lessons/hostile/studied`).type('form').send({ _csrf: csrfTokenIn(lesson.text) }).expect(303);
    const modulePage = await learner.get(`/modules/${MODULE}`).expect(200);
    const started = await learner.post(`/modules/${MODULE}/v/1/attempts`).type('form').send({ _csrf: csrfTokenIn(modulePage.text) }).expect(303);
    const attempt = await learner.get(started.headers.location!).expect(200);
    expectInert(attempt.text, 'attempt');
    await learner.post(`${started.headers.location!}/submit`).type('form').send({ _csrf: csrfTokenIn(attempt.text) }).expect(303);
    expectInert((await learner.get(`${started.headers.location!}/result`).expect(200)).text, 'result');
  });

  it('accepts raster images by their bytes, with random names, served with their type and nosniff', async () => {
    const page = await trainer.get(`/authoring/${MODULE}/lessons/0`).expect(200);
    const upload = await trainer
      .post(`/authoring/${MODULE}/images`)
      .field('_csrf', csrfTokenIn(page.text))
      .field('lesson', '0')
      .attach('image', png(), { filename: 'photo.svg', contentType: 'image/svg+xml' })
      .expect(303);
    imageName = /\?image=([a-f0-9]{32}\.png)/.exec(upload.headers.location!)![1]!;
    expect(imageName).not.toContain('photo');
    const served = await trainer.get(`/authoring/media/${imageName}`).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(served.body as Buffer, png())).toBe(0);

    // An uploaded image may appear in a lesson; nothing else may.
    const preview = await trainer
      .post(`/authoring/${MODULE}/preview-markdown`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), markdown: `![plan](/authoring/media/${imageName})\n\n![x](/authoring/media/../../etc/passwd)` })
      .expect(200);
    expect(preview.body.html).toContain(`<img src="/authoring/media/${imageName}" alt="plan" />`);
    expect(preview.body.html.match(/<img/g)).toHaveLength(1);
  });

  it('refuses SVG, HTML in disguise, empty and oversized files', async () => {
    const page = await trainer.get(`/authoring/${MODULE}/lessons/0`).expect(200);
    const attempts: [Buffer, string, string][] = [
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.svg', 'image/svg+xml'],
      [Buffer.from('<html><script>alert(1)</script></html>'), 'x.png', 'image/png'],
      [Buffer.concat([png(), Buffer.alloc(2 * 1024 * 1024)]), 'big.png', 'image/png'],
    ];
    for (const [bytes, filename, contentType] of attempts) {
      await trainer.post(`/authoring/${MODULE}/images`).field('_csrf', csrfTokenIn(page.text)).attach('image', bytes, { filename, contentType }).expect(400);
    }
    await trainer.get('/authoring/media/0123456789abcdef0123456789abcdef.png').expect(404);
    await trainer.get('/authoring/media/..%2F..%2Fetc%2Fpasswd').expect(404);
  });
});
