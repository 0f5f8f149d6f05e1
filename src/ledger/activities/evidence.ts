import { createHash, randomBytes } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EvidenceNotFoundError, EvidenceRejectedError } from './errors';
import { UNSAFE_LINE } from './values';
import { isZip, officeKind } from './zip';

/**
 * Evidence files (a sign-in sheet, a lesson record, a photo): stored under
 * `DATA_DIR/evidence/<fileId>` with their metadata beside them in `<fileId>.json`. The content
 * type is decided from the file's first bytes, never from its name or the type the browser
 * declared, and only five kinds are accepted. The original name is metadata for display and
 * download, never a path.
 */

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
/** At most this many files per activity. */
export const MAX_EVIDENCE_FILES = 20;

export const EVIDENCE_CONTENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;
export type EvidenceContentType = (typeof EVIDENCE_CONTENT_TYPES)[number];

/** The file extensions that fit each type; the first is the one a download gets. */
const EXTENSIONS: Record<EvidenceContentType, readonly string[]> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
};

/** 128 random bits in hex: the only names evidence files have on disk. */
export const FILE_ID_PATTERN = /^[0-9a-f]{32}$/;
export const isFileId = (value: unknown): value is string => typeof value === 'string' && FILE_ID_PATTERN.test(value);

export interface StoredEvidence {
  fileId: string;
  /** The name it was uploaded under, sanitised: for display only. */
  originalName: string;
  contentType: EvidenceContentType;
  size: number;
  sha256: string;
}

export const storedEvidenceSchema = z.strictObject({
  fileId: z.string().regex(FILE_ID_PATTERN, 'must be an evidence file id from storeEvidence'),
  originalName: z.string().min(1).max(200),
  contentType: z.enum(EVIDENCE_CONTENT_TYPES),
  size: z.int().min(1).max(MAX_EVIDENCE_BYTES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const metadataSchema = storedEvidenceSchema.extend({
  declaredType: z.string().max(100).optional(),
  storedAt: z.string(),
});

const startsWith = (buffer: Buffer, bytes: readonly number[]) => buffer.length >= bytes.length && bytes.every((byte, i) => buffer[i] === byte);
const ascii = (buffer: Buffer, length: number) => buffer.toString('latin1', 0, Math.min(length, buffer.length));

/** A better reason than "not accepted" for the files people most often try. */
function describeRefused(buffer: Buffer): string {
  const head = ascii(buffer, 512).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (head.startsWith('<')) return 'it is markup (HTML, SVG or XML)';
  if (head.startsWith('gif8')) return 'it is a GIF image';
  if (startsWith(buffer, [0xd0, 0xcf, 0x11, 0xe0])) return 'it is an old Office file (.doc or .xls): save it as .docx or .xlsx';
  if (ascii(buffer, 12).slice(8) === 'WEBP') return 'it is a WebP image';
  if (ascii(buffer, 12).slice(4, 8) === 'ftyp') return 'it is a video or HEIC photo';
  return 'its content is not one of PDF, PNG, JPEG, DOCX or XLSX';
}

/**
 * The content type of a file from its magic bytes: `%PDF-`, the PNG signature, the JPEG SOI
 * marker, or a ZIP whose entries make it a DOCX or an XLSX.
 */
export function sniffEvidenceType(input: Uint8Array): { ok: true; contentType: EvidenceContentType } | { ok: false; problem: string } {
  const buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (/^%PDF-\d\.\d/.test(ascii(buffer, 8))) return { ok: true, contentType: 'application/pdf' };
  if (startsWith(buffer, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, contentType: 'image/png' };
  if (startsWith(buffer, [0xff, 0xd8, 0xff])) return { ok: true, contentType: 'image/jpeg' };
  if (isZip(buffer)) {
    const office = officeKind(buffer);
    if (!office.ok) return office;
    return {
      ok: true,
      contentType:
        office.kind === 'docx'
          ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    };
  }
  return { ok: false, problem: describeRefused(buffer) };
}

const MAX_NAME_LENGTH = 120;

/**
 * A file name fit for display and for a download header: the last path segment only, no
 * control or bidirectional-override characters, none of `"<>:*?|`, no leading dots, at most
 * 120 characters with the extension kept; "evidence" when nothing is left.
 */
export function sanitiseFileName(name: unknown): string {
  const segments = String(typeof name === 'string' ? name : '').normalize('NFC').split(/[\\/]/);
  let clean = (segments.at(-1) ?? '')
    .replace(new RegExp(UNSAFE_LINE.source, 'g'), '')
    .replace(/["<>:*?|]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .trim();
  const chars = [...clean];
  if (chars.length > MAX_NAME_LENGTH) {
    const dot = clean.lastIndexOf('.');
    const extension = dot > 0 && clean.length - dot <= 10 ? [...clean.slice(dot)] : [];
    clean = chars.slice(0, MAX_NAME_LENGTH - extension.length).join('').trimEnd() + extension.join('');
  }
  return clean === '' ? 'evidence' : clean;
}

/** The name a download gets: the original name, with the extension of what the file really is. */
export function downloadName(originalName: string, contentType: EvidenceContentType): string {
  const extensions = EXTENSIONS[contentType];
  const dot = originalName.lastIndexOf('.');
  const [base, extension] = dot > 0 ? [originalName.slice(0, dot), originalName.slice(dot + 1).toLowerCase()] : [originalName, ''];
  if (extensions.includes(extension)) return originalName;
  return `${dot > 0 && extension.length <= 10 ? base : originalName}.${extensions[0] ?? 'bin'}`;
}

const evidenceDir = (dataDir: string) => path.join(path.resolve(dataDir), 'evidence');

/**
 * Checks and stores one evidence file. Throws `EvidenceRejectedError` (with the reason) for an
 * empty file, one over 10 MB, or content that is not PDF, PNG, JPEG, DOCX or XLSX, whatever its
 * name and `declaredType` say. `declaredType` is kept in the metadata for the record only.
 */
export async function storeEvidence(
  file: { buffer: Uint8Array; originalName: string; declaredType?: string },
  dataDir: string,
): Promise<StoredEvidence> {
  if (!(file?.buffer instanceof Uint8Array)) throw new EvidenceRejectedError('no file content was received');
  const buffer = Buffer.from(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength);
  if (buffer.length === 0) throw new EvidenceRejectedError('the file is empty');
  if (buffer.length > MAX_EVIDENCE_BYTES) {
    throw new EvidenceRejectedError(`the file is ${(buffer.length / 1024 / 1024).toFixed(1)} MB; at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB is accepted`);
  }
  const sniffed = sniffEvidenceType(buffer);
  if (!sniffed.ok) throw new EvidenceRejectedError(`only PDF, PNG, JPEG, DOCX and XLSX files are accepted, and ${sniffed.problem}`);

  const stored: StoredEvidence = {
    fileId: randomBytes(16).toString('hex'),
    originalName: sanitiseFileName(file.originalName),
    contentType: sniffed.contentType,
    size: buffer.length,
    sha256: createHash('sha256').update(buffer).digest('hex'),
  };
  const declaredType = typeof file.declaredType === 'string' ? file.declaredType.replace(new RegExp(UNSAFE_LINE.source, 'g'), '').slice(0, 100) : undefined;
  const dir = evidenceDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Content first, then the metadata (atomically, by rename): a file without metadata is never served.
  await writeFile(path.join(dir, stored.fileId), buffer, { flag: 'wx', mode: 0o600 });
  const metadata = { ...stored, ...(declaredType ? { declaredType } : {}), storedAt: new Date().toISOString() };
  const temporary = path.join(dir, `${stored.fileId}.json.tmp`);
  await writeFile(temporary, JSON.stringify(metadata), { flag: 'wx', mode: 0o600 });
  await rename(temporary, path.join(dir, `${stored.fileId}.json`));
  return stored;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** The metadata of a stored evidence file; `EvidenceNotFoundError` for an unknown or malformed id. */
export async function describeEvidence(fileId: string, dataDir: string): Promise<StoredEvidence> {
  if (!isFileId(fileId)) throw new EvidenceNotFoundError(String(fileId));
  let text: string;
  try {
    text = await readFile(path.join(evidenceDir(dataDir), `${fileId}.json`), 'utf8');
  } catch (error) {
    if (isMissing(error)) throw new EvidenceNotFoundError(fileId);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EvidenceNotFoundError(fileId); // unreadable metadata: not a file we serve
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success || parsed.data.fileId !== fileId) throw new EvidenceNotFoundError(fileId);
  const { fileId: id, originalName, contentType, size, sha256 } = parsed.data;
  return { fileId: id, originalName, contentType, size, sha256 };
}

export interface EvidenceDownload extends StoredEvidence {
  /** The file's bytes; consume it or `destroy()` it (it closes its file when done). */
  stream: ReadStream;
  /** `originalName` with the extension of the real content type (report.png holding a PDF → report.pdf). */
  downloadName: string;
}

/**
 * Opens a stored evidence file for download. The id must match `FILE_ID_PATTERN` (32 hex
 * characters), so no id can name a path outside the evidence folder. Serve it with its
 * `contentType`, `X-Content-Type-Options: nosniff` and `Content-Disposition: attachment`.
 */
export async function readEvidence(fileId: string, dataDir: string): Promise<EvidenceDownload> {
  const evidence = await describeEvidence(fileId, dataDir);
  let handle;
  try {
    handle = await open(path.join(evidenceDir(dataDir), evidence.fileId), 'r');
  } catch (error) {
    if (isMissing(error)) throw new EvidenceNotFoundError(fileId);
    throw error;
  }
  return { ...evidence, downloadName: downloadName(evidence.originalName, evidence.contentType), stream: handle.createReadStream() };
}
