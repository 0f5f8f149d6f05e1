import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import type { SecretBox } from './secret-box';
import { SigningKeyModel } from './store';

export interface SigningKey {
  kid: string;
  alg: 'RS256';
  privateKey: KeyLike;
  publicJwk: JWK;
}

export interface PublishedKeySet {
  keys: JWK[];
}

/** The tool's RS256 keys: one signs, all are published. */
export interface Keyring {
  /** The newest key, created on first use. */
  current(): Promise<SigningKey>;
  /** Every key ever used: certificates signed years ago must still verify, so retired keys stay published. */
  publishedKeySet(): Promise<PublishedKeySet>;
  /** A new key signs from now on; the previous ones stay in the key set. */
  rotate(): Promise<SigningKey>;
}

interface StoredKey {
  kid: string;
  generation: number;
  publicJwk: JWK;
  sealedPrivateJwk: string;
}

const DUPLICATE_KEY = 11000;

export function createKeyring(box: SecretBox, clock: () => Date = () => new Date()): Keyring {
  let cached: SigningKey | undefined;

  async function newest(): Promise<StoredKey | null> {
    return SigningKeyModel.findOne().sort({ generation: -1 }).lean<StoredKey>();
  }

  async function unseal(stored: StoredKey): Promise<SigningKey> {
    const privateJwk = JSON.parse(box.open(stored.sealedPrivateJwk)) as JWK;
    return { kid: stored.kid, alg: 'RS256', privateKey: (await importJWK(privateJwk, 'RS256')) as KeyLike, publicJwk: stored.publicJwk };
  }

  async function create(generation: number): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const kid = randomUUID();
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const privateJwk = await exportJWK(privateKey);
    try {
      await SigningKeyModel.create({ kid, generation, alg: 'RS256', publicJwk, sealedPrivateJwk: box.seal(JSON.stringify(privateJwk)), createdAt: clock() });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      // Another process made this generation first; use theirs.
      const winner = await newest();
      if (!winner) throw error;
      return unseal(winner);
    }
    return { kid, alg: 'RS256', privateKey, publicJwk };
  }

  return {
    async current() {
      if (cached) return cached;
      const stored = await newest();
      cached = stored ? await unseal(stored) : await create(1);
      return cached;
    },
    async publishedKeySet() {
      const keys = await SigningKeyModel.find().sort({ generation: -1 }).lean<StoredKey[]>();
      return { keys: keys.map((key) => key.publicJwk) };
    },
    async rotate() {
      const stored = await newest();
      cached = await create((stored?.generation ?? 0) + 1);
      return cached;
    },
  };
}
