import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Raw HTML in Markdown is escaped (html: false); the allowlist below is the second, independent
// wall, so a renderer bug or plugin can never let script or event handlers through.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const allowedTags = [
  'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'strong', 'em', 's', 'code', 'pre',
  'blockquote', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img',
];

/** Images only from Shixun's own store of uploads (random names, sniffed raster types): no tracking pixels, no SVG. */
export const UPLOADED_IMAGE_PATH = /^\/authoring\/media\/[a-f0-9]{32}\.(png|jpg|gif|webp)$/;

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags,
  allowedAttributes: { a: ['href', 'title', 'rel'], th: ['style'], td: ['style'], ol: ['start'], img: ['src', 'alt', 'title'] },
  exclusiveFilter: (frame) => frame.tag === 'img' && !UPLOADED_IMAGE_PATH.test(frame.attribs.src ?? ''),
  allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // The page title is the only h1: authors' top-level headings become section headings.
  transformTags: {
    h1: 'h2',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }),
  },
  disallowedTagsMode: 'escape',
};

export function sanitizeLessonHtml(html: string): string {
  return sanitizeHtml(html, sanitizeOptions);
}

/** Lesson Markdown to the HTML stored at import and shown to learners as it is. */
export function renderLessonMarkdown(source: string): string {
  return sanitizeLessonHtml(markdown.render(source));
}
