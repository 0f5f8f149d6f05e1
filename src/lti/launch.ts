import type { Role } from '../users';

/**
 * A launch whose signature, freshness and required fields have been checked, in the same shape
 * for LTI 1.1 and 1.3. Everything after verification (who the person is, where they go, where
 * their score is sent) works on this, never on the raw LMS parameters.
 */
export interface VerifiedLaunch {
  version: '1.1' | '1.3';
  /**
   * The identity provider: `lti11:<consumer key>` for 1.1, `lti13:<issuer>|<client_id>` for 1.3.
   * With the LMS user id it is the user's identity `(provider, subject)`.
   */
  provider: string;
  /** The LMS user id (`user_id` / `sub`). */
  subject: string;
  displayName?: string;
  email?: string;
  /**
   * The school the person teaches at, when known: a custom `school_code` parameter/claim, or the
   * school the consumer/platform registration belongs to. complete-launch keeps it on the user only
   * when it names a known school, and never clears one the LMS did not send.
   */
  schoolCode?: string;
  /** Shixun roles mapped from the LMS roles: Instructor/ContentDeveloper → trainer, Administrator → admin, else learner. */
  roles: Role[];
  /** The LMS roles as sent, for diagnostics. */
  lmsRoles: string[];
  context?: { id: string; title?: string };
  resourceLink?: { id: string; title?: string };
  /** The module the LMS sent the person to (custom parameter or target link), if any. */
  moduleId?: string;
  kind: 'resource' | 'deep-linking';
  /** Where scores for this resource link go, when the LMS offers grade passback. */
  outcome?: Lti11OutcomeTarget | AgsOutcomeTarget;
  /** The course roster service (NRPS), when offered. */
  membershipsUrl?: string;
  /** LTI 1.3 only: the user's identity under LTI 1.1 (lti1p1 migration claim), so they keep their records. */
  migratedFrom?: { provider: string; subject: string };
  /** Deep linking / Content-Item: where the selection goes back to, and what the platform opaque data is. */
  deepLinking?: { returnUrl: string; data?: string; acceptMultiple: boolean };
  /** The platform's origin (for CSP frame-ancestors and "open in a new window"). */
  platformOrigin?: string;
  /** LTI 1.3 only: the deployment the launch came through (the deep-linking response must name it). */
  deploymentId?: string;
}

export interface Lti11OutcomeTarget {
  kind: 'lti11';
  consumerKey: string;
  serviceUrl: string;
  sourcedId: string;
}

export interface AgsOutcomeTarget {
  kind: 'ags';
  /** The platform registration's id in Shixun's database. */
  platformId: string;
  /** The resource link's own line item, when the platform made one. */
  lineItemUrl?: string;
  lineItemsUrl?: string;
  scopes: string[];
  /** The resource link the score belongs to: finds or creates its line item when the platform gave none. */
  resourceLinkId?: string;
  /** The Shixun module id, used as the line item's `resourceId` when one is created. */
  resourceId?: string;
}
