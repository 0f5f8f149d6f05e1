import type { AgsOutcomeTarget } from '../launch';
import { MEDIA_TYPES, SCOPES } from './claims';
import { findPlatformById, type Platform } from './platforms';
import { authorizedFetch, ServiceTokenError, type ServiceOptions } from './service-token';

/** A score as AGS 2.0 §3.4 defines it; `timestamp` orders scores, so a late retry never overwrites a newer one. */
export interface AgsScore {
  /** The LMS user id (`sub` of the person's launch). */
  userId: string;
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  timestamp: Date;
  comment?: string;
}

/** The platform's answer (or why nothing was sent), for the passback queue to retry on and admins to read. */
export interface AgsAnswer {
  ok: boolean;
  /** Which request answered: the registration lookup, the token endpoint, the line items or the score post. */
  stage: 'platform' | 'token' | 'line-item' | 'score';
  /** HTTP status; 0 when no request could be made (platform removed, scope not granted). */
  status: number;
  /** The start of the answer's body (never a token). */
  body: string;
  lineItemUrl?: string;
}

const BODY_LIMIT = 1000;

/** `…/lineitems/7?x=1` → `…/lineitems/7/scores?x=1` (AGS §3.4.1: the scores service hangs off the line item URL). */
export function scoresUrlOf(lineItemUrl: string): string {
  const url = new URL(lineItemUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/scores`;
  return url.toString();
}

/**
 * The line item for the target's resource link: the one the platform lists for it, or a new one
 * (label and `resourceId` from the module) when the platform made none (AGS §3.2).
 */
async function findOrCreateLineItem(platform: Platform, target: AgsOutcomeTarget, scoreMaximum: number, options: ServiceOptions): Promise<AgsAnswer> {
  if (!target.lineItemsUrl) return { ok: false, stage: 'line-item', status: 0, body: 'the launch offered neither a line item nor a line items URL' };
  if (!target.scopes.includes(SCOPES.lineItem)) return { ok: false, stage: 'line-item', status: 0, body: 'the platform did not grant the line item scope' };
  const scopes = [SCOPES.lineItem, SCOPES.score];
  const list = new URL(target.lineItemsUrl);
  if (target.resourceLinkId) list.searchParams.set('resource_link_id', target.resourceLinkId);
  else if (target.resourceId) list.searchParams.set('resource_id', target.resourceId);
  const found = await authorizedFetch(platform, scopes, list.toString(), { headers: { Accept: MEDIA_TYPES.lineItemContainer } }, options);
  const foundText = await found.text();
  if (!found.ok) return { ok: false, stage: 'line-item', status: found.status, body: foundText.slice(0, BODY_LIMIT) };
  const items = JSON.parse(foundText) as Array<{ id?: string; resourceLinkId?: string; resourceId?: string }>;
  const existing = items.find((item) => (target.resourceLinkId ? item.resourceLinkId === target.resourceLinkId : item.resourceId === target.resourceId));
  if (existing?.id) return { ok: true, stage: 'line-item', status: found.status, body: '', lineItemUrl: existing.id };

  const created = await authorizedFetch(
    platform,
    scopes,
    target.lineItemsUrl,
    {
      method: 'POST',
      headers: { 'Content-Type': MEDIA_TYPES.lineItem, Accept: MEDIA_TYPES.lineItem },
      body: JSON.stringify({ scoreMaximum, label: target.resourceId ?? 'Shixun', resourceId: target.resourceId, resourceLinkId: target.resourceLinkId }),
    },
    options,
  );
  const createdText = await created.text();
  if (!created.ok) return { ok: false, stage: 'line-item', status: created.status, body: createdText.slice(0, BODY_LIMIT) };
  const id = (JSON.parse(createdText) as { id?: unknown }).id;
  if (typeof id !== 'string') return { ok: false, stage: 'line-item', status: created.status, body: 'the new line item has no id' };
  return { ok: true, stage: 'line-item', status: created.status, body: '', lineItemUrl: id };
}

/**
 * Posts one score to the platform's AGS endpoint (`application/vnd.ims.lis.v1.score+json`) and
 * returns its answer. One call is one POST of the score: retries and exactly-once belong to the
 * passback queue (src/lti/passback), which decides from `ok` and `status`.
 */
export async function postAgsScore(target: AgsOutcomeTarget, score: AgsScore, options: ServiceOptions): Promise<AgsAnswer> {
  const platform = await findPlatformById(target.platformId);
  if (!platform) return { ok: false, stage: 'platform', status: 0, body: 'the platform registration no longer exists' };
  if (!target.scopes.includes(SCOPES.score)) return { ok: false, stage: 'score', status: 0, body: 'the platform did not grant the score scope' };
  try {
    let lineItemUrl = target.lineItemUrl;
    if (!lineItemUrl) {
      const lineItem = await findOrCreateLineItem(platform, target, score.scoreMaximum ?? 100, options);
      if (!lineItem.ok) return lineItem;
      lineItemUrl = lineItem.lineItemUrl!;
    }
    const body = {
      userId: score.userId,
      scoreGiven: score.scoreGiven,
      scoreMaximum: score.scoreMaximum,
      activityProgress: score.activityProgress,
      gradingProgress: score.gradingProgress,
      timestamp: score.timestamp.toISOString(),
      comment: score.comment,
    };
    const response = await authorizedFetch(platform, [SCOPES.score], scoresUrlOf(lineItemUrl), { method: 'POST', headers: { 'Content-Type': MEDIA_TYPES.score }, body: JSON.stringify(body) }, options);
    const text = await response.text();
    return { ok: response.ok, stage: 'score', status: response.status, body: text.slice(0, BODY_LIMIT), lineItemUrl };
  } catch (error) {
    if (error instanceof ServiceTokenError) return { ok: false, stage: 'token', status: error.status, body: error.body };
    throw error;
  }
}
