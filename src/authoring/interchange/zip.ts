import { crc32 } from 'node:zlib';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { CourseError } from '../../courses';
import type { CourseFile } from './types';

export interface ZipLimits {
  /** The zip itself. */
  maxZipBytes: number;
  maxEntries: number;
  /** One file, uncompressed. */
  maxFileBytes: number;
  /** All files together, uncompressed: what stops a zip bomb. */
  maxTotalBytes: number;
}

// The shipped catalog (31 modules, 700 items) is about 1.5 MB of text; these leave room to grow.
export const ZIP_LIMITS: ZipLimits = {
  maxZipBytes: 10 * 1024 * 1024,
  maxEntries: 3000,
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 30 * 1024 * 1024,
};

/** Where a problem of the zip as a whole is reported. */
export const ZIP_ITSELF = '(zip)';

// Local time on purpose: fflate writes DOS times from local fields, so this is 1980-01-01 00:00 in every time zone.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

const COURSE_PATHS = [
  /^courses\/modules\/[a-z][a-z0-9-]*\/module\.yaml$/,
  /^courses\/modules\/[a-z][a-z0-9-]*\/lessons\/[a-z0-9][a-z0-9-]*\.md$/,
  /^courses\/banks\/[a-z][a-z0-9-]*\.yaml$/,
];

/** Files an operating system adds when it zips a folder; never course content. */
const SYSTEM_LITTER = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/;

/** The same files always give the same bytes: sorted entries, fixed timestamps, fixed compression. */
export function writeCourseZip(files: readonly CourseFile[]): Uint8Array {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const entries: Zippable = {};
  const encoder = new TextEncoder();
  for (const file of sorted) {
    if (file.path in entries) throw new Error(`two files would be written to ${file.path}`);
    entries[file.path] = [encoder.encode(file.text), { level: 9, mtime: FIXED_MTIME, os: 3, attrs: 0o100644 << 16 }];
  }
  return zipSync(entries, { level: 9, mtime: FIXED_MTIME });
}

/**
 * Reads a zip of course files without trusting it: every name must be a course file path (no
 * `..`, no absolute paths, nothing outside `courses/`), sizes are checked against the directory
 * before anything is inflated, and every file must be UTF-8. Problems are collected, not thrown.
 */
export function readCourseZip(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): { files: CourseFile[]; errors: CourseError[] } {
  const errors: CourseError[] = [];
  const fail = (file: string, message: string) => errors.push({ file, line: 1, column: 1, message });
  if (bytes.byteLength > limits.maxZipBytes) {
    fail(ZIP_ITSELF, `the zip is ${bytes.byteLength} bytes; the limit is ${limits.maxZipBytes}`);
    return { files: [], errors };
  }

  const declared = new Map<string, number>();
  /** A name given twice is ambiguous: neither copy is read. */
  const duplicated = new Set<string>();
  let entries = 0;
  let total = 0;
  let inflated: Record<string, Uint8Array>;
  try {
    inflated = unzipSync(bytes, {
      filter: (entry) => {
        entries += 1;
        if (entries > limits.maxEntries) throw new TooManyEntries();
        if (entry.name.endsWith('/') || SYSTEM_LITTER.test(entry.name)) return false;
        const refusal = pathRefusal(entry.name);
        if (refusal) return fail(displayName(entry.name), refusal), false;
        if (declared.has(entry.name)) return duplicated.add(entry.name), fail(entry.name, 'appears twice in the zip'), false;
        if (entry.compression !== 0 && entry.compression !== 8) return fail(entry.name, 'uses a compression method other than deflate'), false;
        if (entry.originalSize > limits.maxFileBytes) {
          return fail(entry.name, `is ${entry.originalSize} bytes uncompressed; the limit per file is ${limits.maxFileBytes}`), false;
        }
        total += entry.originalSize;
        if (total > limits.maxTotalBytes) throw new TooLarge();
        declared.set(entry.name, entry.originalSize);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof TooManyEntries) fail(ZIP_ITSELF, `the zip has more than ${limits.maxEntries} entries`);
    else if (error instanceof TooLarge) fail(ZIP_ITSELF, `the zip expands to more than ${limits.maxTotalBytes} bytes`);
    else fail(ZIP_ITSELF, 'this is not a readable zip file');
    return { files: [], errors };
  }

  const decoder = new TextDecoder('utf-8', { fatal: true });
  const checksums = directoryChecksums(bytes);
  const files: CourseFile[] = [];
  for (const [name, size] of [...declared].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (duplicated.has(name)) continue;
    const data = inflated[name];
    // fflate inflates into a buffer of the declared size: a directory that lies about it yields
    // a short or cut-off file, which the checksum then refuses.
    if (!data || data.byteLength !== size || crc32(data) !== checksums.get(name)) {
      fail(name, 'is damaged: its content does not match the size and checksum the zip records for it');
      continue;
    }
    try {
      files.push({ path: name, text: decoder.decode(data) });
    } catch {
      fail(name, 'is not UTF-8 text (save it as UTF-8)');
    }
  }
  return { files, errors };
}

/** CRC-32 of each entry as the central directory records it (fflate does not check them). */
function directoryChecksums(bytes: Uint8Array): Map<string, number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const checksums = new Map<string, number>();
  let end = bytes.byteLength - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end -= 1;
  if (end < 0) return checksums;
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  for (let i = 0; i < count && offset + 46 <= bytes.byteLength && view.getUint32(offset, true) === 0x02014b50; i++) {
    const nameLength = view.getUint16(offset + 28, true);
    const nameBytes = bytes.subarray(offset + 46, offset + 46 + nameLength);
    const name = (view.getUint16(offset + 8, true) & 0x800 ? utf8 : latin1).decode(nameBytes);
    checksums.set(name, view.getUint32(offset + 16, true));
    offset += 46 + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return checksums;
}

function pathRefusal(name: string): string | undefined {
  if (name.includes('\\')) return 'paths with backslashes are refused';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute paths are refused';
  if (name.split('/').some((segment) => segment === '..' || segment === '.')) return 'paths with "." or ".." segments are refused';
  if (!COURSE_PATHS.some((pattern) => pattern.test(name))) {
    return 'is not a course file: expected courses/modules/<id>/module.yaml, courses/modules/<id>/lessons/<name>.md or courses/banks/<id>.yaml';
  }
  return undefined;
}

/** Names come from the uploader; control characters are shown escaped. */
function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return printable.length > 200 ? `${printable.slice(0, 200)}…` : printable;
}

class TooManyEntries extends Error {}
class TooLarge extends Error {}
