import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import {
  EvidenceNotFoundError,
  EvidenceRejectedError,
  MAX_EVIDENCE_BYTES,
  readEvidence,
  sanitiseFileName,
  storeEvidence,
} from '../../src/ledger/activities';
import { CONTENT_TYPES_XML, jpegBuffer, pdfBuffer, pngBuffer, zipBuffer } from './fixtures';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'shixun-evidence-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function rejected(buffer: Buffer, originalName: string, declaredType?: string): Promise<EvidenceRejectedError> {
  const error = await storeEvidence({ buffer, originalName, declaredType }, dataDir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EvidenceRejectedError);
  return error as EvidenceRejectedError;
}

async function streamed(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('storeEvidence', () => {
  it.each([
    { name: '签到表.pdf', buffer: pdfBuffer(), contentType: 'application/pdf' },
    { name: '现场照片.png', buffer: pngBuffer(), contentType: 'image/png' },
    { name: 'photo.jpg', buffer: jpegBuffer(), contentType: 'image/jpeg' },
  ])('accepts $name as $contentType and stores it under a random id only', async ({ name, buffer, contentType }) => {
    const stored = await storeEvidence({ buffer, originalName: name, declaredType: 'application/octet-stream' }, dataDir);
    expect(stored).toEqual({
      fileId: expect.stringMatching(/^[0-9a-f]{32}$/),
      originalName: name,
      contentType,
      size: buffer.length,
      sha256: createHash('sha256').update(buffer).digest('hex'),
    });
    expect(await readdir(path.join(dataDir, 'evidence'))).toEqual([stored.fileId, `${stored.fileId}.json`].sort());
    expect(await readFile(path.join(dataDir, 'evidence', stored.fileId))).toEqual(buffer);

    const download = await readEvidence(stored.fileId, dataDir);
    expect(download).toMatchObject({ contentType, originalName: name, downloadName: name, size: buffer.length });
    expect(await streamed(download.stream)).toEqual(buffer);
  });

  it('decides the type from the content: a PDF named .png and declared image/png is a PDF', async () => {
    const stored = await storeEvidence({ buffer: pdfBuffer(), originalName: 'scan.png', declaredType: 'image/png' }, dataDir);
    expect(stored.contentType).toBe('application/pdf');
    const download = await readEvidence(stored.fileId, dataDir);
    expect(download.contentType).toBe('application/pdf');
    expect(download.originalName).toBe('scan.png');
    expect(download.downloadName).toBe('scan.pdf');
    download.stream.destroy();
  });

  it('accepts DOCX and XLSX from their ZIP entries, and nothing else in a ZIP', async () => {
    const docx = zipBuffer({ '[Content_Types].xml': CONTENT_TYPES_XML, '_rels/.rels': '<Relationships/>', 'word/document.xml': '<w:document/>' });
    expect((await storeEvidence({ buffer: docx, originalName: '教研记录.docx' }, dataDir)).contentType).toBe(DOCX);

    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('签到').addRow(['姓名', '签到']);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    expect((await storeEvidence({ buffer: xlsx, originalName: 'sign-in.xlsx' }, dataDir)).contentType).toBe(XLSX);

    const docm = zipBuffer({ '[Content_Types].xml': CONTENT_TYPES_XML, 'word/document.xml': '<w:document/>', 'word/vbaProject.bin': 'macro' });
    expect((await rejected(docm, 'record.docx')).reason).toMatch(/macro/);
    const plainZip = zipBuffer({ 'word/readme.txt': 'hello' });
    expect((await rejected(plainZip, 'record.docx')).reason).toMatch(/not an Office document/);
    const pptx = zipBuffer({ '[Content_Types].xml': CONTENT_TYPES_XML, 'ppt/presentation.xml': '<p/>' });
    expect((await rejected(pptx, 'slides.pptx')).reason).toMatch(/neither Word/);
    expect((await rejected(docx.subarray(0, docx.length - 10), 'cut.docx')).reason).toMatch(/not a readable ZIP/);
  });

  it('refuses HTML and SVG whatever their name says, and writes nothing', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>');
    expect((await rejected(svg, 'report.pdf', 'application/pdf')).reason).toMatch(/markup/);
    const html = Buffer.from('\uFEFF<!doctype html><html><body><script>fetch("/")</script></body></html>');
    expect((await rejected(html, 'report.pdf', 'application/pdf')).reason).toMatch(/markup/);
    expect((await rejected(Buffer.from('GIF89a....'), 'a.png')).reason).toMatch(/GIF/);
    expect((await rejected(Buffer.from('just text'), 'a.pdf')).reason).toMatch(/not one of PDF/);
    await expect(readdir(path.join(dataDir, 'evidence'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses empty files and files over 10 MB', async () => {
    expect((await rejected(Buffer.alloc(0), 'empty.pdf')).reason).toMatch(/empty/);
    const big = Buffer.alloc(MAX_EVIDENCE_BYTES + 1, 0x20);
    pdfBuffer().copy(big);
    expect((await rejected(big, 'big.pdf')).reason).toMatch(/at most 10 MB/);
    const justRight = Buffer.alloc(MAX_EVIDENCE_BYTES, 0x20);
    pdfBuffer().copy(justRight);
    expect((await storeEvidence({ buffer: justRight, originalName: 'ok.pdf' }, dataDir)).size).toBe(MAX_EVIDENCE_BYTES);
  });

  it('keeps the original name only as sanitised metadata', async () => {
    const stored = await storeEvidence({ buffer: pdfBuffer(), originalName: '../../etc/\u202Efdp.exe' }, dataDir);
    expect(stored.originalName).toBe('fdp.exe');
    expect(sanitiseFileName('C:\\Users\\王\\Desktop\\教研 "记录".pdf')).toBe('教研 _记录_.pdf');
    expect(sanitiseFileName('...')).toBe('evidence');
    expect(sanitiseFileName('a\u0000b\nc.pdf')).toBe('abc.pdf');
    const long = sanitiseFileName(`${'长'.repeat(300)}.pdf`);
    expect([...long]).toHaveLength(120);
    expect(long.endsWith('.pdf')).toBe(true);
    expect(await readdir(path.join(dataDir, 'evidence'))).not.toContain('fdp.exe');
  });
});

describe('readEvidence', () => {
  it.each(['../../etc/passwd', '..', '', 'A'.repeat(32), `${'0'.repeat(32)}/../x`, '0'.repeat(31)])('refuses the id %j', async (fileId) => {
    await expect(readEvidence(fileId, dataDir)).rejects.toBeInstanceOf(EvidenceNotFoundError);
  });

  it('says not found for a well-formed id with no file', async () => {
    await expect(readEvidence('0'.repeat(32), dataDir)).rejects.toBeInstanceOf(EvidenceNotFoundError);
  });
});
