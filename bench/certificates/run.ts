/**
 * Certificate PDF benchmark: PDFs per second and file size of Shixun's certificate
 * (`renderCertificatePdf`: layout, subset CJK font, QR code, seal) side by side with a bare pdfkit
 * page set in the same font with the same Chinese text, in the same process and run:
 *   - `bare`: the bare page with the same parsed font Shixun uses, so the ratio is what the
 *     certificate's layout, QR code and seal cost;
 *   - `bare-path`: the bare page as pdfkit is usually called (`registerFont(path)`), which parses
 *     the font file for every document.
 *
 *   npx tsx bench/certificates/run.ts [--seconds 10] [--rounds 4]
 *
 * The two kinds take turns (`--rounds` rounds of `--seconds` each), so a noisy neighbour on the
 * machine slows both alike. No database is needed. See README.md.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import PDFDocument from 'pdfkit';
import { DEFAULT_CERTIFICATE_SETTINGS, findCjkFont, parsedCjkFont, renderCertificatePdf, type Certificate } from '../../src/certificates';
import { translatorFor } from '../../src/web';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '4' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
if (!(seconds > 0) || !(rounds > 0)) throw new Error('--seconds and --rounds must be positive numbers');

const NAMES = ['李晓雯', '王建国', '陈思远', '赵一鸣', '周佳怡', '吴海涛'];

function certificate(index: number): Certificate {
  return {
    _id: new Types.ObjectId(),
    number: `SX-2026-${String(index).padStart(4, '0').slice(-4)}-BNCH`,
    verificationCode: `bench${String(index).padStart(19, '0')}`,
    issueKey: `bench:${index}`,
    kind: 'module',
    holder: { userId: new Types.ObjectId(), name: NAMES[index % NAMES.length]!, schoolCode: 'S001', schoolName: '新华路小学' },
    title: { 'zh-CN': '新任班主任的角色与职责', en: 'The role and duties of a new homeroom teacher' },
    moduleId: 'homeroom-new-role-and-duties',
    moduleVersion: 1,
    hours: 3.5,
    category: 'homeroom-new',
    completedAt: new Date('2026-09-01T08:00:00Z'),
    issuer: DEFAULT_CERTIFICATE_SETTINGS.issuer,
    ledgerEntryIds: [],
    issuedAt: new Date('2026-09-01T08:05:00Z'),
  };
}

const translate = (language: 'zh-CN' | 'en', key: string, vars?: Record<string, unknown>) => translatorFor(language)(key, vars);

function shixun(index: number): Promise<Buffer> {
  return renderCertificatePdf(certificate(index), { baseUrl: 'https://shixun.example.edu.cn', settings: DEFAULT_CERTIFICATE_SETTINGS, translate });
}

/** The same font and the same Chinese sentence on an A4 landscape page, and nothing else. */
function barePage(index: number, register: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const c = certificate(index);
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 0 });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  register(doc);
  doc.font('cjk').fontSize(16).text(`兹证明 ${c.holder.name} 于 2026年9月1日 完成《${c.title['zh-CN']}》培训，考核合格，计继续教育学时 ${c.hours} 学时。`, 80, 200, { width: 680 });
  doc.end();
  return ended;
}

const bare = (index: number) => barePage(index, (doc) => doc.registerFont('cjk', parsedCjkFont() as unknown as string));
const barePath = (index: number) =>
  barePage(index, (doc) => {
    const font = findCjkFont();
    doc.registerFont('cjk', font.path, font.postscriptName);
  });

const KINDS = { shixun, bare, 'bare-path': barePath } as const;
type Kind = keyof typeof KINDS;
const totals = Object.fromEntries(Object.keys(KINDS).map((kind) => [kind, { count: 0, ms: 0, bytes: 0 }])) as Record<Kind, { count: number; ms: number; bytes: number }>;

async function main() {
  process.stderr.write(`[bench] ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, font ${findCjkFont().path}\n`);
  // Warm-up: font parsing, JIT.
  for (const render of Object.values(KINDS)) for (let i = 0; i < 5; i++) await render(i);
  let index = 0;
  for (let round = 0; round < rounds; round++) {
    for (const kind of Object.keys(KINDS) as Kind[]) {
      const started = performance.now();
      while (performance.now() - started < seconds * 1000) {
        const pdf = await KINDS[kind](index++);
        totals[kind].count += 1;
        totals[kind].bytes += pdf.length;
      }
      totals[kind].ms += performance.now() - started;
    }
  }
  const rate = (kind: Kind) => (totals[kind].count / totals[kind].ms) * 1000;
  const size = (kind: Kind) => totals[kind].bytes / totals[kind].count / 1024;
  process.stdout.write(`kind         PDFs   seconds   PDFs/s   mean size\n`);
  for (const kind of Object.keys(KINDS) as Kind[]) {
    process.stdout.write(`${kind.padEnd(11)} ${String(totals[kind].count).padStart(5)}  ${(totals[kind].ms / 1000).toFixed(1).padStart(8)}  ${rate(kind).toFixed(1).padStart(7)}  ${size(kind).toFixed(1).padStart(7)} KB\n`);
  }
  for (const other of ['bare', 'bare-path'] as const) {
    process.stdout.write(`ratio shixun/${other}: ${(rate('shixun') / rate(other)).toFixed(2)}× the throughput, ${(size('shixun') / size(other)).toFixed(2)}× the size\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
