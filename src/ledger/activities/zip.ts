/**
 * Just enough of the ZIP format to list an archive's entries (name and sizes) from its central
 * directory, without decompressing anything: used to tell a DOCX from an XLSX from any other ZIP,
 * and to refuse a spreadsheet that would inflate to far more than its size. Every offset is
 * checked against the buffer; anything that does not add up is "not a readable ZIP".
 */

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export type ZipListing = { ok: true; entries: ZipEntry[] } | { ok: false; problem: string };

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const ZIP64_EXTRA = 0x0001;
const UTF8_NAMES = 0x0800;
/** Far more than any Office document has; a bound on the work a crafted directory can ask for. */
export const MAX_ZIP_ENTRIES = 20_000;

const damaged = (problem: string): ZipListing => ({ ok: false, problem: `not a readable ZIP archive: ${problem}` });

export function isZip(buffer: Uint8Array): boolean {
  return buffer.length >= 4 && Buffer.from(buffer.buffer, buffer.byteOffset, 4).readUInt32LE(0) === LOCAL_FILE_HEADER;
}

function findEndRecord(buffer: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes, and ends the file.
  const lowest = Math.max(0, buffer.length - 22 - 0xffff);
  for (let at = buffer.length - 22; at >= lowest; at -= 1) {
    if (buffer.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY && at + 22 + buffer.readUInt16LE(at + 20) === buffer.length) return at;
  }
  return -1;
}

function safeNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
}

/** Sizes a ZIP64 entry keeps in its extra field (those whose 32-bit field is 0xffffffff). */
function zip64Sizes(extra: Buffer, sizes: { compressed: number; uncompressed: number }): { compressed: number; uncompressed: number } | undefined {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (at + 4 + length > extra.length) return undefined;
    if (id === ZIP64_EXTRA) {
      let field = at + 4;
      const next = () => {
        if (field + 8 > at + 4 + length) return undefined;
        const value = safeNumber(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      const uncompressed = sizes.uncompressed === 0xffffffff ? next() : sizes.uncompressed;
      const compressed = sizes.compressed === 0xffffffff ? next() : sizes.compressed;
      return uncompressed === undefined || compressed === undefined ? undefined : { compressed, uncompressed };
    }
    at += 4 + length;
  }
  return undefined;
}

/** The entries of a ZIP archive, read from its central directory. */
export function listZipEntries(input: Uint8Array): ZipListing {
  const buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!isZip(buffer)) return damaged('it does not start with a ZIP signature');
  if (buffer.length < 22 + 30) return damaged('too short');
  const end = findEndRecord(buffer);
  if (end < 0) return damaged('no end-of-directory record (a truncated file?)');

  let count = buffer.readUInt16LE(end + 10);
  let size = buffer.readUInt32LE(end + 12);
  let offset = buffer.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || buffer.readUInt32LE(locator) !== ZIP64_LOCATOR) return damaged('a ZIP64 archive without its locator');
    const record = safeNumber(buffer.readBigUInt64LE(locator + 8));
    if (record + 56 > buffer.length || buffer.readUInt32LE(record) !== ZIP64_END) return damaged('a ZIP64 archive without its end record');
    count = safeNumber(buffer.readBigUInt64LE(record + 32));
    size = safeNumber(buffer.readBigUInt64LE(record + 40));
    offset = safeNumber(buffer.readBigUInt64LE(record + 48));
  }
  if (count > MAX_ZIP_ENTRIES) return damaged(`more than ${MAX_ZIP_ENTRIES} entries`);
  if (offset + size > buffer.length) return damaged('the directory lies outside the file');

  const entries: ZipEntry[] = [];
  const limit = offset + size;
  let at = offset;
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > limit || buffer.readUInt32LE(at) !== CENTRAL_DIRECTORY_HEADER) return damaged(`directory entry ${index + 1} is damaged`);
    const flags = buffer.readUInt16LE(at + 8);
    const sizes = { compressed: buffer.readUInt32LE(at + 20), uncompressed: buffer.readUInt32LE(at + 24) };
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > limit) return damaged(`directory entry ${index + 1} runs past the directory`);
    const name = buffer.toString(flags & UTF8_NAMES ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    let resolved: { compressed: number; uncompressed: number } | undefined = sizes;
    if (sizes.compressed === 0xffffffff || sizes.uncompressed === 0xffffffff) {
      resolved = zip64Sizes(buffer.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), sizes);
      if (!resolved) return damaged(`directory entry ${index + 1} has damaged ZIP64 sizes`);
    }
    entries.push({ name, compressedSize: resolved.compressed, uncompressedSize: resolved.uncompressed });
    at = next;
  }
  return { ok: true, entries };
}

export type OfficeKind = 'docx' | 'xlsx';

/**
 * Which Office Open XML document a ZIP archive is, from its entry names: `[Content_Types].xml`
 * and parts under `word/` (DOCX) or `xl/` (XLSX), not both. Macro-enabled documents (a
 * `vbaProject.bin` part) are refused: evidence is read by people, never run.
 */
export function officeKind(input: Uint8Array): { ok: true; kind: OfficeKind; entries: ZipEntry[] } | { ok: false; problem: string } {
  const listing = listZipEntries(input);
  if (!listing.ok) return listing;
  const names = listing.entries.map((entry) => entry.name);
  if (!names.includes('[Content_Types].xml')) return { ok: false, problem: 'a ZIP archive that is not an Office document (no [Content_Types].xml)' };
  if (names.some((name) => /(^|\/)vbaproject\.bin$/i.test(name))) {
    return { ok: false, problem: 'a macro-enabled Office document (.docm, .xlsm): save it as .docx or .xlsx' };
  }
  const word = names.some((name) => name.startsWith('word/'));
  const excel = names.some((name) => name.startsWith('xl/'));
  if (word && excel) return { ok: false, problem: 'an Office document that is both a Word and an Excel file' };
  if (word) return { ok: true, kind: 'docx', entries: listing.entries };
  if (excel) return { ok: true, kind: 'xlsx', entries: listing.entries };
  return { ok: false, problem: 'an Office document that is neither Word (.docx) nor Excel (.xlsx) (PowerPoint and others are not accepted)' };
}
