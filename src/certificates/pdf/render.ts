import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Certificate, CertificateSettings } from '../types';
import { parsedCjkFont } from './font';

export type PdfLanguage = 'zh-CN' | 'en';
/** The caller's message catalog (certificates.pdf.* and category.*), so the PDF speaks both languages. */
export type Translate = (language: PdfLanguage, key: string, values?: Record<string, unknown>) => string;

export interface RenderOptions {
  /** The public URL, for the verification link the QR code carries. */
  baseUrl: string;
  settings: CertificateSettings;
  translate: Translate;
}

/** A4 landscape, in points. */
export const PAGE = { width: 841.89, height: 595.28 };
/** Where the QR code sits (points, top-left origin) and its quiet zone in modules: tests read it back from the rendered page. */
export const QR_BOX = { x: 64, y: 418, size: 112, margin: 2 };

const RED = '#8b1e1e';
const GOLD = '#b08d57';
const INK = '#1d2430';
const MUTED = '#5b6575';
const FONT = 'cjk';

export const verificationUrl = (baseUrl: string, certificate: Pick<Certificate, 'verificationCode'>) =>
  `${baseUrl.replace(/\/+$/, '')}/verify/${certificate.verificationCode}`;

const dateIn = (language: PdfLanguage, date: Date) =>
  new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(date);

/**
 * The certificate as a one-page PDF: A4 landscape, Chinese with an English line under it, set in
 * a CJK font pdfkit embeds as a subset (only the glyphs used), the issuer's seal (an image, or a
 * drawn placeholder), and a QR code of the public verification page drawn as vector squares.
 */
export async function renderCertificatePdf(certificate: Certificate, options: RenderOptions): Promise<Buffer> {
  const font = parsedCjkFont();
  const seal = options.settings.sealImagePath;
  if (seal && !existsSync(seal)) throw new Error(`CERTIFICATE_SEAL_IMAGE: no file at ${seal}`);
  const { translate: t } = options;
  const url = verificationUrl(options.baseUrl, certificate);

  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 0,
    info: {
      Title: `${certificate.title['zh-CN']} · ${certificate.number}`,
      Author: certificate.issuer.name,
      Subject: t('zh-CN', 'certificates.pdf.title'),
      CreationDate: certificate.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // pdfkit takes a parsed fontkit font as a source, though its typings list only files and buffers.
  doc.registerFont(FONT, font as unknown as string);
  doc.font(FONT);
  drawFrame(doc);

  const centred = (text: string, y: number, size: number, color: string, extra: PDFKit.Mixins.TextOptions = {}) =>
    doc.fontSize(size).fillColor(color).text(text, 90, y, { width: PAGE.width - 180, align: 'center', ...extra });

  centred(certificate.issuer.name, 58, 13, MUTED, { characterSpacing: 2 });
  centred(t('zh-CN', 'certificates.pdf.title'), 82, 38, RED, { characterSpacing: 12 });
  centred(t('en', 'certificates.pdf.title').toUpperCase(), 134, 11, GOLD, { characterSpacing: 4 });
  doc.moveTo(PAGE.width / 2 - 120, 158).lineTo(PAGE.width / 2 + 120, 158).lineWidth(0.8).strokeColor(GOLD).stroke();

  centred(`${t('zh-CN', 'certificates.pdf.certify')}  ·  ${t('en', 'certificates.pdf.certify')}`, 174, 11, MUTED);
  centred(certificate.holder.name, 194, 30, INK);
  if (certificate.holder.schoolName) centred(certificate.holder.schoolName, 236, 12, MUTED);

  const body = (language: PdfLanguage) =>
    t(language, certificate.kind === 'programme' ? 'certificates.pdf.programmeBody' : 'certificates.pdf.moduleBody', {
      date: dateIn(language, certificate.completedAt),
      title: certificate.title[language],
      version: certificate.moduleVersion,
      hours: certificate.hours,
      category: t(language, `category.${certificate.category}`),
    });
  centred(body('zh-CN'), 266, 15, INK, { lineGap: 6 });
  centred(body('en'), doc.y + 8, 10.5, MUTED, { lineGap: 3 });

  await drawQrCode(doc, url);
  const left = QR_BOX.x + QR_BOX.size + 14;
  const label = (key: string) => `${t('zh-CN', key)} ${t('en', key)}`;
  doc.fontSize(9).fillColor(MUTED).text(label('certificates.pdf.number'), left, QR_BOX.y + 4);
  doc.fontSize(13).fillColor(INK).text(certificate.number, left, doc.y + 1, { characterSpacing: 1 });
  doc.fontSize(9).fillColor(MUTED).text(label('certificates.pdf.issued'), left, doc.y + 6);
  doc.fontSize(11).fillColor(INK).text(`${dateIn('zh-CN', certificate.issuedAt)} · ${dateIn('en', certificate.issuedAt)}`, left, doc.y + 1);
  doc.fontSize(8).fillColor(MUTED).text(`${t('zh-CN', 'certificates.pdf.verifyHint')} ${t('en', 'certificates.pdf.verifyHint')}`, left, doc.y + 6, { width: 330 });
  doc.fontSize(7.5).fillColor(MUTED).text(url, left, doc.y + 1, { width: 330 });

  drawSeal(doc, certificate.issuer.name, seal, t);
  doc.end();
  return ended;
}

function drawFrame(doc: PDFKit.PDFDocument): void {
  doc.rect(0, 0, PAGE.width, PAGE.height).fill('#fffdf7');
  doc.lineWidth(3).strokeColor(RED).rect(20, 20, PAGE.width - 40, PAGE.height - 40).stroke();
  doc.lineWidth(0.8).strokeColor(GOLD).rect(28, 28, PAGE.width - 56, PAGE.height - 56).stroke();
  for (const [x, y] of [
    [28, 28],
    [PAGE.width - 28, 28],
    [28, PAGE.height - 28],
    [PAGE.width - 28, PAGE.height - 28],
  ] as const) {
    doc.save().translate(x, y).rotate(45).rect(-5, -5, 10, 10).fill(GOLD).restore();
  }
}

/** Rows of dark modules are drawn as single rectangles: smaller files, no hairline seams between squares. */
async function drawQrCode(doc: PDFKit.PDFDocument, url: string): Promise<void> {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const unit = QR_BOX.size / (count + 2 * QR_BOX.margin);
  doc.rect(QR_BOX.x, QR_BOX.y, QR_BOX.size, QR_BOX.size).fill('#ffffff');
  for (let row = 0; row < count; row++) {
    let start = -1;
    for (let column = 0; column <= count; column++) {
      const dark = column < count && qr.modules.get(row, column) === 1;
      if (dark && start < 0) start = column;
      if (!dark && start >= 0) {
        doc.rect(QR_BOX.x + (QR_BOX.margin + start) * unit, QR_BOX.y + (QR_BOX.margin + row) * unit, (column - start) * unit, unit);
        start = -1;
      }
    }
  }
  doc.fill('#000000');
}

const SEAL = { x: 668, y: 468, radius: 62 };

function drawSeal(doc: PDFKit.PDFDocument, issuerName: string, imagePath: string | undefined, t: Translate): void {
  doc.fontSize(9).fillColor(MUTED).text(`${t('zh-CN', 'certificates.pdf.issuer')} ${t('en', 'certificates.pdf.issuer')}`, SEAL.x - 150, SEAL.y - 88, { width: 300, align: 'center' });
  if (imagePath) {
    doc.image(imagePath, SEAL.x - SEAL.radius, SEAL.y - SEAL.radius, { fit: [SEAL.radius * 2, SEAL.radius * 2], align: 'center', valign: 'center' });
    return;
  }
  doc.save().opacity(0.85);
  doc.lineWidth(3).strokeColor('#c0392b').circle(SEAL.x, SEAL.y, SEAL.radius).stroke();
  doc.lineWidth(0.8).circle(SEAL.x, SEAL.y, SEAL.radius - 6).stroke();
  star(doc, SEAL.x, SEAL.y - 20, 16);
  doc.fillColor('#c0392b').fontSize(issuerName.length > 9 ? 9 : 11).text(issuerName, SEAL.x - SEAL.radius + 12, SEAL.y + 4, { width: (SEAL.radius - 12) * 2, align: 'center' });
  doc.fontSize(7).text(t('zh-CN', 'certificates.pdf.sealPlaceholder'), SEAL.x - SEAL.radius + 12, doc.y + 4, { width: (SEAL.radius - 12) * 2, align: 'center' });
  doc.restore();
}

function star(doc: PDFKit.PDFDocument, cx: number, cy: number, radius: number): void {
  const points: [number, number][] = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? radius : radius * 0.4;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    points.push([cx + r * Math.cos(angle), cy + r * Math.sin(angle)]);
  }
  doc.polygon(...points).fill('#c0392b');
}
