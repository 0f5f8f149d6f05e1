import type { VerifiedLaunch } from '../launch';

declare module 'express-session' {
  interface SessionData {
    /**
     * A deep-linking (or 1.1 Content-Item) launch waiting for the trainer's choice: complete-launch
     * stashes it, the picker at `DEEP_LINKING_PATH` reads it and answers the LMS with it.
     */
    ltiDeepLinking?: { launch: VerifiedLaunch; at: string };
    /** When "open in a new window" last re-issued this session's cookie in a first-party window. */
    ltiOpenedInWindowAt?: string;
  }
}

/** Where complete-launch sends a deep-linking launch: the catalog picker (src/lti/deep-linking). */
export const DEEP_LINKING_PATH = '/lti/deep-linking';
