import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Seals secrets kept in the database (private keys, LTI consumer secrets) with a key from the environment. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

const FORMAT = 'v1';

/**
 * AES-256-GCM under a key derived from ENCRYPTION_KEY. A database dump alone reveals no secret, and
 * a tampered ciphertext fails to open instead of yielding garbage.
 */
export function createSecretBox(encryptionKey: string): SecretBox {
  if (encryptionKey.length < 32) throw new Error('the encryption key must be at least 32 characters');
  const key = Buffer.from(hkdfSync('sha256', encryptionKey, 'shixun', 'shixun/secrets-at-rest/v1', 32));
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    open(sealed) {
      const [format, iv, tag, ciphertext] = sealed.split('.');
      if (format !== FORMAT || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('a sealed secret could not be opened: ENCRYPTION_KEY differs from the one it was sealed with, or the data was altered');
      }
    },
  };
}
