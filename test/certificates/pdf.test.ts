import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import QRCode from 'qrcode';
import { DEFAULT_CERTIFICATE_SETTINGS, PAGE, QR_BOX, renderCertificatePdf, verificationUrl } from '../../src/certificates';
import { ARTIFACTS_DIR } from '../support/browser';
import { SAMPLE_BASE_URL, SAMPLE_CERTIFICATE, translate } from './sample';

const ROOT = path.resolve(__dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'shixun-certificate-pdf-'));
const pdfPath = path.join(work, 'certificate.pdf');

/** Renders in a separate process whose fontconfig knows no fonts at all. */
function renderWithFontsHidden(): { code: number | null; stderr: string } {
  const emptyConfig = path.join(work, 'empty-fonts.conf');
  writeFileSync(emptyConfig, '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n');
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'render.fixture.ts'), pdfPath], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FONTCONFIG_FILE: emptyConfig, FONTCONFIG_PATH: work },
  });
  return { code: result.status, stderr: result.stderr };
}

/** A rendered page as 8-bit grey pixels (pdftoppm's PGM). */
function grayPage(file: string, dpi: number): { width: number; height: number; pixels: Buffer } {
  const prefix = path.join(work, `page-${dpi}`);
  execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-singlefile', file, prefix]);
  const data = readFileSync(`${prefix}.pgm`);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(data.subarray(0, 50).toString('latin1'));
  if (!header) throw new Error('not a PGM');
  return { width: Number(header[1]), height: Number(header[2]), pixels: data.subarray(header[0].length) };
}

describe('the certificate PDF', () => {
  beforeAll(() => {
    const { code, stderr } = renderWithFontsHidden();
    if (code !== 0) throw new Error(stderr);
  });

  it('renders with system fonts hidden, with the Chinese text extractable', () => {
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    for (const expected of ['结业证书', '兹证明', '李晓雯', '新华路小学', '新任班主任的角色与职责', '3.5 学时', '2026年9月1日', 'SX-2026-7K3M-9QXD', '师训教师培训中心']) {
      expect(text).toContain(expected);
    }
    expect(text).toContain('The role and duties of a new homeroom teacher');
  });

  it('embeds one subset CJK font and nothing else, in under 200 KB', () => {
    const fonts = execFileSync('pdffonts', [pdfPath], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts).toHaveLength(1);
    // name type encoding emb sub uni
    expect(fonts[0]).toMatch(/^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(statSync(pdfPath).size).toBeLessThan(200 * 1024);
  });

  it('is one A4 landscape page', () => {
    const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(new RegExp(`Page size:\\s+${PAGE.width} x ${PAGE.height} pts \\(A4\\)`));
  });

  it('carries a QR code of the verification page, module for module', () => {
    const dpi = 288;
    const scale = dpi / 72;
    const page = grayPage(pdfPath, dpi);
    execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', pdfPath, path.join(ARTIFACTS_DIR, 'certificate-module')]);
    const qr = QRCode.create(verificationUrl(SAMPLE_BASE_URL, SAMPLE_CERTIFICATE), { errorCorrectionLevel: 'M' });
    const count = qr.modules.size;
    const unit = QR_BOX.size / (count + 2 * QR_BOX.margin);
    let mismatches = 0;
    // One module wider than the code, so the quiet zone must read white too.
    for (let row = -1; row <= count; row++) {
      for (let column = -1; column <= count; column++) {
        const x = Math.round((QR_BOX.x + (QR_BOX.margin + column + 0.5) * unit) * scale);
        const y = Math.round((QR_BOX.y + (QR_BOX.margin + row + 0.5) * unit) * scale);
        const dark = page.pixels[y * page.width + x]! < 128;
        const expected = row >= 0 && row < count && column >= 0 && column < count && qr.modules.get(row, column) === 1;
        if (dark !== expected) mismatches += 1;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('renders a programme certificate and a configured seal image', async () => {
    const seal = path.join(work, 'seal.png');
    writeFileSync(seal, await QRCode.toBuffer('seal', { type: 'png', color: { dark: '#c0392bff', light: '#ffffff00' } }));
    const pdf = await renderCertificatePdf(
      { ...SAMPLE_CERTIFICATE, kind: 'programme', title: { 'zh-CN': '新任班主任上岗培训', en: 'New homeroom teacher pre-service training' }, hours: 32, moduleId: undefined, moduleVersion: undefined, programmeId: 'homeroom-new-preservice' },
      { baseUrl: SAMPLE_BASE_URL, settings: { ...DEFAULT_CERTIFICATE_SETTINGS, sealImagePath: seal }, translate },
    );
    const file = path.join(work, 'programme.pdf');
    writeFileSync(file, pdf);
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).toContain('全部专题培训');
    // The parsed font is shared between documents; each document must still carry its own subset.
    const again = path.join(work, 'again.pdf');
    writeFileSync(again, await renderCertificatePdf({ ...SAMPLE_CERTIFICATE, holder: { ...SAMPLE_CERTIFICATE.holder, name: '欧阳翠萍' } }, { baseUrl: SAMPLE_BASE_URL, settings: DEFAULT_CERTIFICATE_SETTINGS, translate }));
    const text = execFileSync('pdftotext', [again, '-'], { encoding: 'utf8' });
    expect(text).toContain('欧阳翠萍');
    expect(text).toContain('第 1 版');
    expect(execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').length).toBeGreaterThan(2);
    execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', file, path.join(ARTIFACTS_DIR, 'certificate-programme')]);
  });

  it('names the variable when the seal image is missing', async () => {
    await expect(
      renderCertificatePdf(SAMPLE_CERTIFICATE, { baseUrl: SAMPLE_BASE_URL, settings: { ...DEFAULT_CERTIFICATE_SETTINGS, sealImagePath: '/nonexistent/seal.png' }, translate }),
    ).rejects.toThrow(/CERTIFICATE_SEAL_IMAGE/);
  });
});
