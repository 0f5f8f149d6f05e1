import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * 131,072 bits (16 KB) is the W3C Bitstring Status List minimum: every list is that long however
 * few credentials it holds, so a verifier fetching it learns nothing about which one it checks.
 */
export const STATUS_LIST_BITS = 131_072;

/** Multibase prefix of base64url without padding. */
const MULTIBASE_BASE64URL = 'u';

/**
 * The `encodedList` of a status list: bit `i` (counted from the left-most bit of the first byte)
 * is set for every index given, then GZIP, then multibase base64url.
 */
export function encodeStatusList(setIndexes: Iterable<number>, bits = STATUS_LIST_BITS): string {
  const bytes = new Uint8Array(bits / 8);
  for (const index of setIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= bits) throw new RangeError(`status list index ${index} is outside 0..${bits - 1}`);
    bytes[index >> 3]! |= 0x80 >> (index & 7);
  }
  return MULTIBASE_BASE64URL + gzipSync(bytes).toString('base64url');
}

/** Reads one bit of an `encodedList`; what a verifier does. */
export function isStatusSet(encodedList: string, index: number): boolean {
  if (!encodedList.startsWith(MULTIBASE_BASE64URL)) throw new Error('encodedList is not multibase base64url');
  const bytes = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  if (index < 0 || index >= bytes.length * 8) throw new RangeError(`status list index ${index} is outside the list`);
  return (bytes[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}
