import mongoose, { Schema, type Types } from 'mongoose';
import type { AgsOutcomeTarget, Lti11OutcomeTarget } from '../launch';

/**
 * A placement: one person reaching one module through one LMS resource link. It remembers what
 * the latest launch said about where that person's score goes (outcome target), the course roster
 * service, the roles they held there and the LMS user id on that platform (AGS scores name it).
 * One document per (provider, resource link, user); each launch refreshes it (last writer wins:
 * the LMS's newest answer is the right one).
 */
const placementSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    provider: { type: String, required: true },
    version: { type: String, required: true, enum: ['1.1', '1.3'] },
    /** The LMS user id under `provider`: may differ from the user's own identity after a 1.1 → 1.3 migration. */
    subject: { type: String, required: true },
    resourceLinkId: { type: String, required: true },
    resourceLinkTitle: String,
    contextId: String,
    contextTitle: String,
    moduleId: String,
    /** Shixun roles from the latest launch: scores go back for learners only. */
    roles: { type: [String], required: true },
    outcome: { type: Schema.Types.Mixed },
    membershipsUrl: String,
    platformOrigin: String,
    firstLaunchAt: { type: Date, required: true },
    lastLaunchAt: { type: Date, required: true },
  },
  { collection: 'lti_placements', strict: 'throw', versionKey: false },
);
placementSchema.index({ provider: 1, resourceLinkId: 1, userId: 1 }, { unique: true });
placementSchema.index({ userId: 1, moduleId: 1 });
placementSchema.index({ provider: 1, contextId: 1 });

export const PlacementModel = mongoose.model('LtiPlacement', placementSchema);

export interface Placement {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  provider: string;
  version: '1.1' | '1.3';
  subject: string;
  resourceLinkId: string;
  resourceLinkTitle?: string;
  contextId?: string;
  contextTitle?: string;
  moduleId?: string;
  roles: string[];
  outcome?: Lti11OutcomeTarget | AgsOutcomeTarget;
  membershipsUrl?: string;
  platformOrigin?: string;
  firstLaunchAt: Date;
  lastLaunchAt: Date;
}
