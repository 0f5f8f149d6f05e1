import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';

/**
 * Signs an LTI 1.1 launch the way an LMS does, with the independent `oauth-1.0a` package and node's
 * HMAC-SHA1, never with ims-lti or Shixun's own signer.
 */
export function signLaunch(options: {
  url: string;
  key: string;
  secret: string;
  params: Record<string, string>;
  timestamp: number;
  nonce?: string;
}): Record<string, string> {
  const oauth = new OAuth({
    consumer: { key: options.key, secret: options.secret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  // The clock and the nonce are the test's to choose: stale, future and replayed launches.
  Object.assign(oauth, { getTimeStamp: () => options.timestamp, getNonce: () => options.nonce ?? randomBytes(12).toString('hex') });
  const signed = oauth.authorize({ url: options.url, method: 'POST', data: { ...options.params } }) as unknown as Record<string, string>;
  // authorize() merges the data and query parameters into what it returns: keep only the oauth_* fields.
  const oauthFields = Object.fromEntries(Object.entries(signed).filter(([name]) => name.startsWith('oauth_')));
  return { ...options.params, ...oauthFields };
}

export function launchParams(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const params: Record<string, string | undefined> = {
    lti_message_type: 'basic-lti-launch-request',
    lti_version: 'LTI-1p0',
    resource_link_id: 'rl-101',
    resource_link_title: '班主任工作职责',
    user_id: 'moodle-user-42',
    roles: 'Learner',
    lis_person_name_given: '小红',
    lis_person_name_family: '王',
    lis_person_contact_email_primary: 'wang.xiaohong@school.example.cn',
    context_id: 'course-7',
    context_title: '新任班主任培训',
    tool_consumer_info_product_family_code: 'moodle',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
