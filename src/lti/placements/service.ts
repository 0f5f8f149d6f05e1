import type { Types } from 'mongoose';
import type { VerifiedLaunch } from '../launch';
import { PlacementModel, type Placement } from './store';

const DUPLICATE_KEY = 11000;

/**
 * Records (or refreshes) where a resource-link launch placed this user. Deep-linking launches
 * place nothing. Two first launches at once may both try the upsert's insert; the loser of the
 * unique index retries as a plain update of the winner's document.
 */
export async function recordPlacement(userId: Types.ObjectId, launch: VerifiedLaunch, now: Date): Promise<Placement | undefined> {
  if (launch.kind !== 'resource' || !launch.resourceLink) return undefined;
  const key = { provider: launch.provider, resourceLinkId: launch.resourceLink.id, userId };
  const set: Record<string, unknown> = {
    version: launch.version,
    subject: launch.subject,
    roles: launch.roles,
    lastLaunchAt: now,
  };
  const unset: Record<string, 1> = {};
  const optional = {
    resourceLinkTitle: launch.resourceLink.title,
    contextId: launch.context?.id,
    contextTitle: launch.context?.title,
    moduleId: launch.moduleId,
    outcome: launch.outcome,
    membershipsUrl: launch.membershipsUrl,
    platformOrigin: launch.platformOrigin,
  };
  // A field the LMS stopped sending (e.g. grading switched off) must not keep its stale value.
  for (const [field, value] of Object.entries(optional)) {
    if (value === undefined) unset[field] = 1;
    else set[field] = value;
  }
  const update = { $set: set, $setOnInsert: { firstLaunchAt: now }, ...(Object.keys(unset).length ? { $unset: unset } : {}) };
  const upsert = () => PlacementModel.findOneAndUpdate(key, update, { upsert: true, returnDocument: 'after' }).lean<Placement>();
  try {
    return (await upsert()) ?? undefined;
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    return (await upsert()) ?? undefined;
  }
}

/** Where a user's score for a module can go: every placement of that module that has an outcome target. */
export async function placementsWithOutcome(userId: Types.ObjectId, moduleId: string): Promise<Placement[]> {
  return PlacementModel.find({ userId, moduleId, outcome: { $exists: true } }).lean<Placement[]>();
}

/** The placements of one LMS course (the roster page's course), newest launch first. */
export async function placementsInContext(provider: string, contextId: string): Promise<Placement[]> {
  return PlacementModel.find({ provider, contextId }).sort({ lastLaunchAt: -1 }).lean<Placement[]>();
}

