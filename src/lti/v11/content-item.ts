import type { SecretBox } from '../../keys';
import { consumerWithSecret } from './consumers';
import { signOutgoing } from './oauth';

/** A module the trainer picked, as the LMS will link it. */
export interface ContentItemChoice {
  moduleId: string;
  title: string;
  /** The launch URL the LMS will post to (Shixun's `/lti/launch`). */
  url: string;
  /** Graded modules ask the LMS for a gradebook column (a line item). */
  graded: boolean;
  text?: string;
}

/** An auto-submitting form: post `fields` to `action` from the person's browser. */
export interface SignedFormPost {
  action: string;
  fields: Record<string, string>;
}

/**
 * The `content_items` JSON-LD of the LTI Content-Item Message 1.0: one `LtiLinkItem` per module,
 * carrying the module id as the custom parameter `module` so the later launch lands on it.
 */
export function contentItemsJson(items: readonly ContentItemChoice[]): string {
  return JSON.stringify({
    '@context': 'http://purl.imsglobal.org/ctx/lti/v1/ContentItem',
    '@graph': items.map((item) => ({
      '@type': 'LtiLinkItem',
      mediaType: 'application/vnd.ims.lti.v1.ltilink',
      url: item.url,
      title: item.title,
      ...(item.text ? { text: item.text } : {}),
      placementAdvice: { presentationDocumentTarget: 'iframe' },
      custom: { module: item.moduleId },
      ...(item.graded
        ? {
            lineItem: {
              '@type': 'LineItem',
              label: item.title,
              reportingMethod: 'res:totalScore',
              scoreConstraints: { '@type': 'NumericLimits', normalMaximum: 100, extraCreditMaximum: 0, totalMaximum: 100 },
            },
          }
        : {}),
    })),
  });
}

/**
 * The `ContentItemSelection` message returning the picked modules to an LTI 1.1 consumer, signed
 * with that consumer's secret (OAuth 1.0a, HMAC-SHA1, the return URL's query included). The
 * consumer's opaque `data` is echoed back unchanged, as the specification requires.
 */
export async function buildContentItemSelectionResponse(options: {
  secretBox: SecretBox;
  consumerKey: string;
  returnUrl: string;
  data?: string;
  items: readonly ContentItemChoice[];
  now?: Date;
}): Promise<SignedFormPost> {
  const consumer = await consumerWithSecret(options.secretBox, options.consumerKey);
  if (!consumer || consumer.disabledAt) throw new Error(`no enabled LTI 1.1 consumer with key ${options.consumerKey}`);
  const params: Record<string, string> = {
    lti_message_type: 'ContentItemSelection',
    lti_version: 'LTI-1p0',
    content_items: contentItemsJson(options.items),
    ...(options.data !== undefined ? { data: options.data } : {}),
  };
  const signed = signOutgoing({ method: 'POST', url: options.returnUrl, consumerKey: consumer.key, consumerSecret: consumer.secret, params, now: options.now ?? new Date() });
  return { action: options.returnUrl, fields: { ...params, ...signed } };
}
