import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** Tags a forum post may use once rendered; anything else (script, iframe, style, on* attributes) is dropped. */
const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];

/** Renders a post's Markdown to HTML that is safe to inject (raw HTML in the Markdown is sanitised too). */
export function renderMarkdown(md: string): string {
  const raw = marked.parse(md, { async: false, gfm: true, breaks: true });
  return sanitizeHtml(raw, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href', 'title', 'rel'], code: ['class'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    // Headings h1/h2 belong to the page, not to a post: demote them.
    transformTags: {
      h1: 'h3',
      h2: 'h4',
      a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }),
    },
    allowedClasses: { code: [/^language-[a-z0-9-]+$/] },
  });
}

/** The @handles mentioned in a post (lower-cased, unique), ignoring e-mail addresses and code. */
export function extractMentions(md: string): string[] {
  const text = md.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ');
  const out = new Set<string>();
  for (const m of text.matchAll(/(^|[^a-zA-Z0-9_.@-])@([a-zA-Z0-9_][a-zA-Z0-9_.-]{1,39})/g)) {
    const handle = (m[2] ?? '').replace(/[.-]+$/, '').toLowerCase();
    if (handle.length >= 2) out.add(handle);
  }
  return [...out];
}
