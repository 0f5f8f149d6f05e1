import { randomBytes } from 'node:crypto';
import { recordAudit } from './audit';
import { AuthoringAssetModel } from './store';
import type { Author } from './types';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export class ImageRejectedError extends Error {
  constructor(readonly reason: 'too-large' | 'not-an-image' | 'empty') {
    super(`image rejected: ${reason}`);
    this.name = 'ImageRejectedError';
  }
}

export interface StoredImage {
  name: string;
  contentType: string;
  size: number;
  data: Buffer;
}

/**
 * The type comes from the bytes, never from the file name or the browser's claim. Only raster
 * formats browsers show without running anything; SVG (which can carry script) is never accepted.
 */
const SIGNATURES: { contentType: string; extension: string; matches: (bytes: Buffer) => boolean }[] = [
  { contentType: 'image/png', extension: 'png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { contentType: 'image/jpeg', extension: 'jpg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { contentType: 'image/gif', extension: 'gif', matches: (b) => ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1')) },
  { contentType: 'image/webp', extension: 'webp', matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

export function sniffImageType(bytes: Buffer): { contentType: string; extension: string } | undefined {
  return SIGNATURES.find((signature) => signature.matches(bytes));
}

/** Stores an image under a random name that says nothing of the uploader or the original file; audited. */
export async function storeImage(draftId: string, bytes: Buffer, user: Author, now: Date): Promise<StoredImage> {
  if (bytes.length === 0) throw new ImageRejectedError('empty');
  if (bytes.length > MAX_IMAGE_BYTES) throw new ImageRejectedError('too-large');
  const type = sniffImageType(bytes);
  if (!type) throw new ImageRejectedError('not-an-image');
  const image = { name: `${randomBytes(16).toString('hex')}.${type.extension}`, contentType: type.contentType, size: bytes.length, data: bytes };
  const userId = user._id.toString();
  await AuthoringAssetModel.create({ ...image, draftId, uploadedAt: now, uploadedBy: userId });
  await recordAudit({ draftId, at: now, userId, userName: user.displayName, action: 'upload', changes: [image.name] });
  return image;
}

export async function findImage(name: string): Promise<StoredImage | null> {
  const found = await AuthoringAssetModel.findOne({ name }, { _id: 0, name: 1, contentType: 1, size: 1, data: 1 }).lean<{ name: string; contentType: string; size: number; data: Buffer | { buffer: Buffer } }>();
  if (!found) return null;
  const data = Buffer.isBuffer(found.data) ? found.data : Buffer.from(found.data.buffer);
  return { ...found, data };
}
