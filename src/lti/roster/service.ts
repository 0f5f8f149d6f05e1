import type { Types } from 'mongoose';
import { listCertificatesOfUsers } from '../../certificates';
import { currentCompletion } from '../../completion';
import { findLatestModule, type LocalizedText } from '../../courses';
import { teacherBalance } from '../../ledger';
import { PlacementModel, placementsInContext, type Placement } from '../placements';
import { mapLmsRoles } from '../roles';
import { PlatformModel, type Platform } from '../v13/platforms';
import type { ServiceOptions } from '../v13/service-token';
import { fetchRoster } from './fetch';

/** A course the person may see the roster of: one they launched into through LTI 1.3 as a trainer. */
export interface RosterCourse {
  placementId: string;
  contextId: string;
  title?: string;
  provider: string;
}

export type RosterRole = 'learner' | 'instructor';

export interface RosterRow {
  name?: string;
  email?: string;
  lmsUserId: string;
  role: RosterRole;
  status: 'Active' | 'Inactive' | 'Deleted';
  /** False until the member has launched Shixun from this course. */
  known: boolean;
  modules: Array<{ moduleId: string; completedAt?: Date; certificate?: { number: string; state: string } }>;
  /** Ledger hours credited to the member, all years and categories. */
  hours?: number;
}

export interface CourseRoster {
  course: RosterCourse;
  modules: Array<{ moduleId: string; title: LocalizedText | string }>;
  rows: RosterRow[];
}

const STAFF = ['trainer', 'admin'];

/** The LMS courses this person launched into as trainer through LTI 1.3 (with a roster service), newest first. */
export async function rosterCourses(userId: Types.ObjectId): Promise<RosterCourse[]> {
  const placements = await PlacementModel.find({ userId, version: '1.3', membershipsUrl: { $exists: true }, contextId: { $exists: true } })
    .sort({ lastLaunchAt: -1 })
    .lean<Placement[]>();
  const seen = new Set<string>();
  const courses: RosterCourse[] = [];
  for (const placement of placements) {
    const key = `${placement.provider}\n${placement.contextId}`;
    if (seen.has(key) || !placement.roles.some((role) => STAFF.includes(role))) continue;
    seen.add(key);
    courses.push({ placementId: placement._id.toHexString(), contextId: placement.contextId!, title: placement.contextTitle, provider: placement.provider });
  }
  return courses;
}

/** `lti13:<issuer>|<client_id>` → the registration, if it still exists. */
async function platformOfProvider(provider: string): Promise<Platform | null> {
  const body = provider.startsWith('lti13:') ? provider.slice('lti13:'.length) : '';
  const bar = body.lastIndexOf('|');
  if (bar <= 0) return null;
  return PlatformModel.findOne({ issuer: body.slice(0, bar), clientId: body.slice(bar + 1) }).lean<Platform>();
}

/**
 * The roster of one course from the LMS (NRPS), with each member's completion of the modules
 * placed in that course, ledger hours and certificates. Members are matched to Shixun people by
 * the placements their own launches recorded, so a member who never opened Shixun shows as such.
 */
export async function courseRoster(course: RosterCourse, options: ServiceOptions & { role?: RosterRole }): Promise<CourseRoster> {
  const placement = await PlacementModel.findById(course.placementId).lean<Placement>();
  const platform = await platformOfProvider(course.provider);
  if (!placement?.membershipsUrl || !platform) throw new Error('the course has no roster service any more');
  // Filtered here by Shixun's role mapping, not by NRPS `role=`, which matches one LMS role URI only.
  const members = await fetchRoster(platform, placement.membershipsUrl, { keyring: options.keyring, clock: options.clock });
  const now = (options.clock ?? (() => new Date()))();

  const inCourse = await placementsInContext(course.provider, course.contextId);
  const userOfSubject = new Map(inCourse.map((entry) => [entry.subject, entry.userId]));
  const moduleIds = [...new Set(inCourse.map((entry) => entry.moduleId).filter((id): id is string => Boolean(id)))].sort();
  const modules = await Promise.all(moduleIds.map(async (moduleId) => ({ moduleId, title: (await findLatestModule(moduleId))?.title ?? moduleId })));
  const knownUserIds = [...new Set([...userOfSubject.values()].map((id) => id.toHexString()))];
  const certificates = await listCertificatesOfUsers(knownUserIds);

  const rows: RosterRow[] = [];
  for (const member of members) {
    const mapped = mapLmsRoles(member.roles);
    const role: RosterRole = mapped.some((held) => STAFF.includes(held)) ? 'instructor' : 'learner';
    if (options.role && options.role !== role) continue;
    const userId = userOfSubject.get(member.userId);
    const row: RosterRow = { name: member.name, email: member.email, lmsUserId: member.userId, role, status: member.status, known: Boolean(userId), modules: [] };
    if (userId) {
      const held = certificates.get(userId.toHexString()) ?? [];
      row.modules = await Promise.all(
        moduleIds.map(async (moduleId) => {
          const certificate = held.find((candidate) => candidate.moduleId === moduleId);
          return {
            moduleId,
            completedAt: (await currentCompletion(userId, moduleId, now))?.completedAt,
            certificate: certificate ? { number: certificate.number, state: certificate.status.state } : undefined,
          };
        }),
      );
      row.hours = Math.round((await teacherBalance(userId)).reduce((sum, balance) => sum + balance.hours * 100, 0)) / 100;
    } else {
      row.modules = moduleIds.map((moduleId) => ({ moduleId }));
    }
    rows.push(row);
  }
  rows.sort((a, b) => (a.role === b.role ? (a.name ?? a.lmsUserId).localeCompare(b.name ?? b.lmsUserId, 'zh-CN') : a.role === 'instructor' ? -1 : 1));
  return { course, modules, rows };
}
