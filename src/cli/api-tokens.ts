import { Types } from 'mongoose';
import { createApiToken, listApiTokens, revokeApiToken } from '../api';
import { openDatabase } from '../db';
import { findUserById } from '../users';
import type { CliContext } from './context';

/** `shixun api-token create --user ID --name NAME`: prints the token once; only its hash is kept. */
export async function createToken(context: CliContext, options: { user?: string; name?: string }): Promise<number> {
  if (!options.user || !Types.ObjectId.isValid(options.user) || !options.name?.trim()) {
    context.log('usage: shixun api-token create --user ID --name NAME (a registrar or admin; see `shixun users list`)');
    return 2;
  }
  const database = await openDatabase(context.config, context.log);
  try {
    const owner = await findUserById(options.user);
    if (!owner || !owner.roles.some((role) => role === 'registrar' || role === 'admin')) {
      context.log('API tokens are for registrars and admins: no such user with either role');
      return 1;
    }
    const { token, record } = await createApiToken(owner._id, options.name.trim().slice(0, 100));
    context.log(`token ${record.tokenId} for ${owner.displayName}; it is shown only now, keep it safe:`);
    context.out(token);
    return 0;
  } finally {
    await database.close();
  }
}

export async function revokeToken(context: CliContext, options: { 'token-id'?: string }): Promise<number> {
  if (!options['token-id']) {
    context.log('usage: shixun api-token revoke --token-id ID');
    return 2;
  }
  const database = await openDatabase(context.config, context.log);
  try {
    const revoked = await revokeApiToken(options['token-id']);
    context.out(revoked ? `revoked ${options['token-id']}` : `no active token ${options['token-id']}`);
    return revoked ? 0 : 1;
  } finally {
    await database.close();
  }
}

export async function listTokens(context: CliContext): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    for (const token of await listApiTokens()) {
      context.out(`${token.tokenId}  ${token.name}  owner ${token.ownerId.toString()}  created ${token.createdAt.toISOString()}${token.revokedAt ? `  revoked ${token.revokedAt.toISOString()}` : ''}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
