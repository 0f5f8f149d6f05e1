import { Types } from 'mongoose';
import { z } from 'zod';
import { idSchema } from '../courses';
import { openDatabase } from '../db';
import { setAccommodation } from '../quiz';
import { findUserById, listUsers } from '../users';
import type { CliContext } from './context';

const accommodationArgs = z
  .object({
    user: z.string().refine((id) => Types.ObjectId.isValid(id), 'must be a user id (see `shixun users list`)'),
    module: z.union([idSchema, z.literal('*')]).default('*'),
    untimed: z.boolean().default(false),
    multiplier: z.coerce.number().min(1).max(10).optional(),
    'extra-minutes': z.coerce.number().min(0).max(600).optional(),
  })
  .refine((args) => args.untimed || args.multiplier !== undefined || args['extra-minutes'] !== undefined, {
    message: 'give --untimed, --multiplier or --extra-minutes',
  });

/**
 * `shixun quiz accommodate`: a learner's time adjustment (WCAG 2.2.1), for one module or all;
 * it applies to attempts started afterwards.
 */
export async function accommodate(context: CliContext, raw: Record<string, unknown>): Promise<number> {
  const parsed = accommodationArgs.safeParse(raw);
  if (!parsed.success) {
    context.log(parsed.error.issues.map((issue) => `--${issue.path.join('.') || 'options'}: ${issue.message}`).join('\n'));
    return 2;
  }
  const args = parsed.data;
  const database = await openDatabase(context.config, context.log);
  try {
    const user = await findUserById(args.user);
    if (!user) {
      context.log(`no user with id ${args.user}`);
      return 1;
    }
    await setAccommodation(user._id, args.module, { untimed: args.untimed || undefined, multiplier: args.multiplier, extraMinutes: args['extra-minutes'] }, 'cli', new Date());
    context.out(`time adjustment saved for ${user.displayName} (${args.module === '*' ? 'all modules' : args.module})`);
    return 0;
  } finally {
    await database.close();
  }
}

/** `shixun users list [--json]`: who is there, with the ids other commands take. */
export async function usersList(context: CliContext, options: { json: boolean }): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    const users = await listUsers();
    if (options.json) {
      context.out(JSON.stringify(users.map((u) => ({ id: u._id.toString(), name: u.displayName, school: u.schoolCode ?? null, roles: u.roles })), null, 2));
    } else {
      for (const u of users) context.out(`${u._id.toString()}  ${u.displayName}  ${u.schoolCode ?? '-'}  ${u.roles.join(',')}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
