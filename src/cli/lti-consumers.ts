import { resolveEncryptionKey } from '../config';
import { openDatabase } from '../db';
import { createSecretBox } from '../keys';
import { ConsumerExistsError, createConsumer, listConsumers } from '../lti/v11';
import type { CliContext } from './context';

const ADD_USAGE = 'usage: shixun lti add-consumer --key K [--secret S] [--name N] [--origin https://lms.example.cn]… (no --secret: one is generated and printed once)';

/**
 * `shixun lti add-consumer`: registers an LTI 1.1 consumer. The secret is sealed with
 * ENCRYPTION_KEY; a generated one is printed once on stdout, a given one is not echoed.
 */
export async function addConsumer(context: CliContext, options: { key?: string; secret?: string; name?: string; origin?: string[] }): Promise<number> {
  if (!options.key?.trim()) {
    context.log(ADD_USAGE);
    return 2;
  }
  const database = await openDatabase(context.config, context.log);
  try {
    const secretBox = createSecretBox(resolveEncryptionKey(context.config));
    const { consumer, secret } = await createConsumer(secretBox, { key: options.key, secret: options.secret, name: options.name, allowedOrigins: options.origin ?? [] });
    context.log(`LTI 1.1 consumer ${consumer.key} (${consumer.name}) registered; launch URL ${context.config.baseUrl}/lti/launch`);
    if (!options.secret) {
      context.log('its generated secret is shown only now, keep it safe:');
      context.out(secret);
    }
    return 0;
  } catch (error) {
    if (error instanceof ConsumerExistsError) {
      context.log(error.message);
      return 1;
    }
    if ((error as Error).name === 'ZodError' || error instanceof TypeError) {
      context.log(`${ADD_USAGE}\n  the key is 1–200 printable characters without spaces, a given secret at least 16 characters, origins http(s) URLs`);
      return 2;
    }
    throw error;
  } finally {
    await database.close();
  }
}

/** `shixun lti list-consumers [--json]`: keys, names, origins and status; never secrets. */
export async function listConsumersCommand(context: CliContext, options: { json?: boolean }): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    const consumers = await listConsumers();
    if (options.json) {
      context.out(JSON.stringify(consumers.map(({ key, name, allowedOrigins, createdAt, disabledAt }) => ({ key, name, allowedOrigins, createdAt, disabled: !!disabledAt }))));
      return 0;
    }
    for (const consumer of consumers) {
      context.out(`${consumer.key}  ${consumer.name}  ${consumer.disabledAt ? 'disabled' : 'enabled'}  created ${consumer.createdAt.toISOString()}${consumer.allowedOrigins.length ? `  origins ${consumer.allowedOrigins.join(' ')}` : ''}`);
    }
    if (consumers.length === 0) context.log('no LTI 1.1 consumers yet: shixun lti add-consumer --key K');
    return 0;
  } finally {
    await database.close();
  }
}
