/** The query parameter and form field that carry a session token. */
export const SESSION_TOKEN_PARAM = 'lt';

/** Same-site paths and query-only URLs; never other origins, `//host` URLs, fragments or static files. */
function carriesToken(url: string): boolean {
  if (url.startsWith('?')) return true;
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/static/');
}

/** Adds the token to a URL, before any fragment, replacing a token already there. */
export function urlWithToken(url: string, token: string): string {
  if (!carriesToken(url)) return url;
  const hashAt = url.indexOf('#');
  const [path, fragment] = hashAt >= 0 ? [url.slice(0, hashAt), url.slice(hashAt)] : [url, ''];
  const [base, query = ''] = path.split(/\?(.*)/s, 2) as [string, string?];
  const params = query
    .split('&')
    .filter((part) => part && !part.startsWith(`${SESSION_TOKEN_PARAM}=`));
  params.push(`${SESSION_TOKEN_PARAM}=${encodeURIComponent(token)}`);
  return `${base}?${params.join('&')}${fragment}`;
}

const URL_ATTRIBUTE = /(\s(?:href|action)=")([^"]*)"/g;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Attribute text → the URL it stands for (Handlebars writes `=` as `&#x3D;`, `&` as `&amp;`). */
function decodeAttribute(value: string): string {
  return value.replace(/&(?:#x([0-9a-f]+)|#(\d+)|([a-z]+));/gi, (entity, hex?: string, decimal?: string, name?: string) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (decimal) return String.fromCodePoint(parseInt(decimal, 10));
    return NAMED_ENTITIES[name!.toLowerCase()] ?? entity;
  });
}

function encodeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
const FORM_TAG = /<form\b[^>]*>/gi;
const POST_METHOD = /\smethod="post"/i;

/**
 * Makes every same-site link and form of a rendered page carry the session token, so the next
 * request finds its session without a cookie. Works on the page as rendered: attribute values are
 * escaped, so they never contain a raw `"`; each is decoded, given the token and escaped again.
 * GET forms also get a hidden field, since submitting one replaces the action's query string.
 */
export function htmlWithToken(html: string, token: string): string {
  const field = `<input type="hidden" name="${SESSION_TOKEN_PARAM}" value="${token}">`;
  return html
    .replace(URL_ATTRIBUTE, (_match, prefix: string, url: string) => `${prefix}${encodeAttribute(urlWithToken(decodeAttribute(url), token))}"`)
    .replace(FORM_TAG, (tag) => (POST_METHOD.test(tag) ? tag : `${tag}${field}`));
}
