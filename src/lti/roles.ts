import type { Role } from '../users';

/** Where an LMS role applies: in this course (context), the school (institution) or the whole LMS (system). */
type RoleScope = 'context' | 'institution' | 'system';

interface ParsedRole {
  scope: RoleScope;
  /** The principal role name, e.g. `Instructor` for `membership/Instructor#TeachingAssistant`. */
  name: string;
}

const LIS_V2 = 'http://purl.imsglobal.org/vocab/lis/v2/';
const URN_SCOPES: Record<string, RoleScope> = { role: 'context', instrole: 'institution', sysrole: 'system' };

/**
 * Reads one role in any of the spellings LMSs send: LTI 1.3 URIs (`…/lis/v2/membership#Instructor`,
 * `…/membership/Instructor#TeachingAssistant`, `…/institution/person#Administrator`,
 * `…/system/person#Administrator`), LTI 1.1 URNs (`urn:lti:role:ims/lis/Instructor`,
 * `urn:lti:instrole:ims/lis/Administrator`, `urn:lti:sysrole:ims/lis/SysAdmin`) and bare context
 * role names (`Instructor`, `Learner/NonCreditLearner`).
 */
function parseRole(raw: string): ParsedRole | undefined {
  const role = raw.trim();
  if (role.startsWith(LIS_V2)) {
    const match = /^(membership|institution\/person|system\/person)(?:\/([A-Za-z]+))?#([A-Za-z]+)$/.exec(role.slice(LIS_V2.length));
    if (!match) return undefined;
    const [, vocabulary, principal, name] = match;
    const scope: RoleScope = vocabulary === 'membership' ? 'context' : vocabulary === 'system/person' ? 'system' : 'institution';
    return { scope, name: principal ?? name! };
  }
  const urn = /^urn:lti:(role|instrole|sysrole):ims\/lis\/([A-Za-z]+)(?:\/[A-Za-z]+)?$/i.exec(role);
  if (urn) return { scope: URN_SCOPES[urn[1]!.toLowerCase()]!, name: urn[2]! };
  const bare = /^([A-Za-z]+)(?:\/[A-Za-z]+)?$/.exec(role);
  return bare ? { scope: 'context', name: bare[1]! } : undefined;
}

const ADMIN_NAMES = new Set(['administrator', 'sysadmin']);
const TRAINER_NAMES = new Set(['instructor', 'contentdeveloper', 'teachingassistant']);

/**
 * LMS roles → Shixun roles, the one rule for LTI 1.1 and 1.3: Administrator (system, institution
 * or course) → admin; Instructor, ContentDeveloper or TeachingAssistant in this course → trainer;
 * everyone else, and a launch with no or unknown roles, → learner. Institution-level Instructor
 * does not make a trainer: Canvas sends it for every teacher account, also when that teacher
 * studies as a learner in a training course.
 */
export function mapLmsRoles(lmsRoles: readonly string[]): Role[] {
  const mapped = new Set<Role>();
  for (const role of lmsRoles) {
    const parsed = parseRole(role);
    if (!parsed) continue;
    const name = parsed.name.toLowerCase();
    if (ADMIN_NAMES.has(name)) mapped.add('admin');
    else if (parsed.scope === 'context' && TRAINER_NAMES.has(name)) mapped.add('trainer');
  }
  return mapped.size === 0 ? ['learner'] : [...mapped].sort();
}

/** LTI 1.1 sends roles as one comma-separated parameter. */
export function splitLti11Roles(roles: string | undefined): string[] {
  return (roles ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role.length > 0);
}
