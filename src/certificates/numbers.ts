import { randomBytes, randomInt } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a number read aloud or typed is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * `PREFIX-YEAR-XXXX-XXXX`: eight random characters (40 bits), so one number says nothing about
 * any other. Collisions are possible in principle; the unique index refuses them and the issuer
 * draws again.
 */
export function newCertificateNumber(prefix: string, year: number): string {
  let random = '';
  for (let i = 0; i < 8; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}-${year}-${random.slice(0, 4)}-${random.slice(4)}`;
}

export const CERTIFICATE_NUMBER_PATTERN = /^[A-Z0-9]{1,12}-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

/** 144 random bits as 24 base64url characters: the public verification token. */
export function newVerificationCode(): string {
  return randomBytes(18).toString('base64url');
}

export const VERIFICATION_CODE_PATTERN = /^[A-Za-z0-9_-]{24}$/;

