import type { Role } from '../../users';
import { ActivityForbiddenError } from './errors';

/**
 * Who is acting, as the web layer knows them from the signed-in user. Registrars act on the
 * teachers of `scopeSchoolCodes` only; admins on everyone.
 */
export interface Actor {
  id: string;
  name: string;
  roles: readonly Role[];
  scopeSchoolCodes?: readonly string[];
}

export const isAdmin = (actor: Actor) => actor.roles.includes('admin');

/**
 * The schools an actor may act on: undefined for admins (all), their scope for registrars.
 * Anyone else may not record, decide or import activities at all.
 */
export function actorScope(actor: Actor): ReadonlySet<string> | undefined {
  if (typeof actor?.id !== 'string' || actor.id.trim() === '' || typeof actor.name !== 'string' || actor.name.trim() === '') {
    throw new ActivityForbiddenError('an activity is recorded and decided by a signed-in person with an id and a name');
  }
  if (!Array.isArray(actor.roles)) throw new ActivityForbiddenError('the actor has no roles');
  if (isAdmin(actor)) return undefined;
  if (actor.roles.includes('registrar')) return new Set((actor.scopeSchoolCodes ?? []).filter((code) => code !== ''));
  throw new ActivityForbiddenError('only registrars and admins record, approve, reject and import offline activities');
}

/** A teacher is in scope when their school is one of the actor's (admins: everyone). */
export function inScope(scope: ReadonlySet<string> | undefined, schoolCode: string | undefined): boolean {
  return scope === undefined || (schoolCode !== undefined && schoolCode !== '' && scope.has(schoolCode));
}

/** The `{ id, name }` kept on activities and decisions. */
export const personOf = (actor: Actor) => ({ id: actor.id.trim(), name: actor.name.trim() });
