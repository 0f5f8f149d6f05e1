import { MEDIA_TYPES, SCOPES } from '../v13/claims';
import { findPlatformById, type Platform } from '../v13/platforms';
import { authorizedFetch, type ServiceOptions } from '../v13/service-token';

/** One member of an LMS course as NRPS 2.0 reports them (§2.2). */
export interface RosterMember {
  userId: string;
  roles: string[];
  status: 'Active' | 'Inactive' | 'Deleted';
  name?: string;
  email?: string;
}

export class RosterFetchError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`the platform's roster service answered ${status}`);
    this.name = 'RosterFetchError';
  }
}

/** A runaway `Link: rel="next"` chain is cut off here (a course of 100 pages is not a teacher-training course). */
const MAX_PAGES = 100;

/** The `rel="next"` target of a Link header (RFC 8288), if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (match && /(?:^|;)\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(match[2]!)) return match[1];
  }
  return undefined;
}

/**
 * Every member of the course behind `membershipsUrl`, following `Link: rel="next"` pages. With
 * `role`, the platform filters (NRPS §2.4.1). Members are returned as the platform sent them.
 */
export async function fetchRoster(platformOrId: Platform | string, membershipsUrl: string, options: ServiceOptions & { role?: string }): Promise<RosterMember[]> {
  const platform = typeof platformOrId === 'string' ? await findPlatformById(platformOrId) : platformOrId;
  if (!platform) throw new RosterFetchError(0, 'the platform registration no longer exists');
  const scopes = [SCOPES.memberships];
  const first = new URL(membershipsUrl);
  if (options.role) first.searchParams.set('role', options.role);
  const members: RosterMember[] = [];
  let url: string | undefined = first.toString();
  for (let page = 0; url && page < MAX_PAGES; page += 1) {
    const response = await authorizedFetch(platform, scopes, url, { headers: { Accept: MEDIA_TYPES.memberships } }, options);
    const text = await response.text();
    if (!response.ok) throw new RosterFetchError(response.status, text.slice(0, 1000));
    const body = JSON.parse(text) as { members?: Array<Record<string, unknown>> };
    for (const member of body.members ?? []) {
      if (typeof member.user_id !== 'string') continue;
      members.push({
        userId: member.user_id,
        roles: Array.isArray(member.roles) ? member.roles.filter((role): role is string => typeof role === 'string') : [],
        status: member.status === 'Inactive' || member.status === 'Deleted' ? member.status : 'Active',
        name: typeof member.name === 'string' ? member.name : undefined,
        email: typeof member.email === 'string' ? member.email : undefined,
      });
    }
    url = nextLink(response.headers.get('link'));
  }
  return members;
}
