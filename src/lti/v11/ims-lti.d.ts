/** The part of ims-lti 3.0.2 (untyped CoffeeScript output) that Shixun's adapter uses. */
declare module 'ims-lti' {
  interface Signer {
    build_signature(req: unknown, body: Record<string, unknown>, consumerSecret: string): string;
  }
  interface NonceStore {
    isNonceStore(): boolean;
    isNew(nonce: unknown, timestamp: unknown, next: (error: Error | null, isNew: boolean) => void): void;
  }
  export class Provider {
    constructor(consumerKey: string, consumerSecret: string, nonceStore?: NonceStore, signatureMethod?: Signer);
    valid_request(req: unknown, body: Record<string, unknown>, callback: (error: Error | null, valid: boolean) => void): void;
    /** Accepts only `basic-lti-launch-request`; the adapter checks parameters itself. */
    protected _valid_parameters(body: Record<string, unknown>): boolean;
  }
  /** Its own memory store (the defect tests show it accepting future timestamps). */
  export const Stores: { MemoryStore: new () => NonceStore };
}

/** ims-lti's own signer, used only by the tests that show its defects. */
declare module 'ims-lti/lib/hmac-sha1' {
  export default class HMAC_SHA1 {
    build_signature(req: unknown, body: Record<string, unknown>, consumerSecret: string): string;
  }
}

/** ims-lti's outcome sender, used only by the tests that show its defects. */
declare module 'ims-lti/lib/extensions/outcomes' {
  export class OutcomeService {
    constructor(options: { consumer_key: string; consumer_secret: string; service_url: string; source_did: string });
    _build_headers(body: string): Record<string, string | number>;
  }
}
