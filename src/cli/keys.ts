import { resolveEncryptionKey } from '../config';
import { openDatabase } from '../db';
import { createKeyring, createSecretBox } from '../keys';
import type { CliContext } from './context';

/**
 * `shixun keys rotate`: a new signing key signs from now on. Every earlier key stays published at
 * /lti/jwks, so LMS messages in flight and certificates already issued keep verifying. Running
 * servers cache the current key; restart them to sign with the new one.
 */
export async function rotateKeys(context: CliContext): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    const keyring = createKeyring(createSecretBox(resolveEncryptionKey(context.config)));
    const previous = await keyring.current();
    const next = await keyring.rotate();
    const { keys } = await keyring.publishedKeySet();
    context.out(`signing key rotated: ${previous.kid} → ${next.kid}; ${keys.length} keys published at /lti/jwks`);
    return 0;
  } finally {
    await database.close();
  }
}

/** `shixun keys list`: the published key ids, newest (the signing one) first. */
export async function listKeys(context: CliContext, options: { json: boolean }): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    const keyring = createKeyring(createSecretBox(resolveEncryptionKey(context.config)));
    await keyring.current();
    const { keys } = await keyring.publishedKeySet();
    if (options.json) context.out(JSON.stringify(keys.map(({ kid, alg }) => ({ kid, alg })), null, 2));
    else keys.forEach((key, index) => context.out(`${key.kid}  ${key.alg}${index === 0 ? '  (signing)' : ''}`));
    return 0;
  } finally {
    await database.close();
  }
}
