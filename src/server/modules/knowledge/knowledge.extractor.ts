/**
 * Turns a fetched body into what the index needs: title, language, hreflang alternates, canonical URL,
 * links, and the main text split into chunks by headings. HTML goes through Readability on linkedom
 * (a fast DOM without layout); PDFs through unpdf (PDF.js).
 */
import { createHash } from 'node:crypto';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import type { Language } from '../../../shared/languages.ts';
import { detectLanguage, normalizeLangTag } from './knowledge.text.ts';

export interface ExtractedChunk {
  heading: string;
  body: string;
}

export interface ExtractedPage {
  title: string;
  language: Language;
  /** hreflang alternates, absolute URLs, keyed by our languages. */
  alternates: Partial<Record<Language, string>>;
  /** Absolute canonical URL when the page declares one. */
  canonical: string | undefined;
  /** Absolute same-document-stripped links found in the page (HTML only). */
  links: string[];
  chunks: ExtractedChunk[];
  /** SHA-256 of the extracted text: two URLs with the same text are one page. */
  contentHash: string;
}

/** Chunks stay below this many characters so a search hit points at one section. */
const MAX_CHUNK_CHARS = 1500;
const BLOCK_TAGS = new Set(['P', 'LI', 'DD', 'DT', 'TD', 'TH', 'PRE', 'BLOCKQUOTE', 'FIGCAPTION', 'CAPTION']);
const HEADING_TAGS = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6']);

function clean(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Splits a long section at paragraph boundaries, then at sentence ends when one paragraph is too long. */
function pushSection(out: ExtractedChunk[], heading: string, paragraphs: string[]): void {
  let buf = '';
  const flush = () => {
    if (buf.trim()) out.push({ heading, body: buf.trim() });
    buf = '';
  };
  for (const para of paragraphs) {
    if (buf.length + para.length + 1 > MAX_CHUNK_CHARS) flush();
    if (para.length > MAX_CHUNK_CHARS) {
      for (const piece of para.split(/(?<=[.!?])\s+/)) {
        if (buf.length + piece.length + 1 > MAX_CHUNK_CHARS) flush();
        buf += (buf ? ' ' : '') + piece;
      }
      continue;
    }
    buf += (buf ? '\n' : '') + para;
  }
  flush();
}

interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

/** Walks the content in document order: headings open sections, block elements make paragraphs. */
export function chunkHtml(root: DomNode): ExtractedChunk[] {
  const out: ExtractedChunk[] = [];
  let heading = '';
  let paragraphs: string[] = [];
  let loose = '';
  const endLoose = () => {
    const t = clean(loose);
    if (t) paragraphs.push(t);
    loose = '';
  };
  const walk = (node: DomNode) => {
    if (node.nodeType === 3) {
      loose += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = node.nodeName.toUpperCase();
    if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'NAV' || tag === 'NOSCRIPT') return;
    if (HEADING_TAGS.has(tag)) {
      endLoose();
      pushSection(out, heading, paragraphs);
      paragraphs = [];
      heading = clean(node.textContent);
      return;
    }
    if (BLOCK_TAGS.has(tag)) {
      endLoose();
      const t = clean(node.textContent);
      if (t) paragraphs.push(tag === 'LI' ? `• ${t}` : t);
      return;
    }
    if (tag === 'BR') {
      endLoose();
      return;
    }
    for (let i = 0; i < node.childNodes.length; i++) {
      const child = node.childNodes[i];
      if (child) walk(child);
    }
    if (tag === 'DIV' || tag === 'SECTION' || tag === 'ARTICLE' || tag === 'UL' || tag === 'OL' || tag === 'TABLE') endLoose();
  };
  walk(root);
  endLoose();
  pushSection(out, heading, paragraphs);
  return out;
}

function absolute(href: string | null | undefined, base: string): string | undefined {
  if (!href) return undefined;
  try {
    const u = new URL(href, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    u.hash = '';
    return u.toString();
  } catch {
    return undefined;
  }
}

/**
 * Extracts an HTML page. `siteLanguages` bounds the content fallback of language detection.
 * The page's own `lang` wins; then the hreflang entry pointing at itself; then the text.
 */
export function extractHtml(html: string, url: string, fallbackLanguage: Language = 'es'): ExtractedPage {
  const { document } = parseHTML(html);
  const htmlLang = normalizeLangTag(document.documentElement.getAttribute('lang'));
  const alternates: Partial<Record<Language, string>> = {};
  let selfHreflang: Language | undefined;
  for (const link of document.querySelectorAll('link[rel~="alternate"][hreflang]')) {
    const lang = normalizeLangTag(link.getAttribute('hreflang'));
    const href = absolute(link.getAttribute('href'), url);
    if (!lang || !href) continue;
    if (href === url) selfHreflang = lang;
    alternates[lang] = href;
  }
  const canonical = absolute(document.querySelector('link[rel="canonical"]')?.getAttribute('href'), url);
  const links: string[] = [];
  for (const a of document.querySelectorAll('a[href]')) {
    const href = absolute(a.getAttribute('href'), url);
    if (href) links.push(href);
  }
  const docTitle = clean(document.querySelector('h1')?.textContent) || clean(document.title);
  // Readability mutates the DOM, so it runs after links and metadata are read.
  const article = new Readability(document, { charThreshold: 200 }).parse();
  let chunks: ExtractedChunk[] = [];
  if (article?.content) {
    const { document: content } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`);
    chunks = chunkHtml(content.body);
  }
  if (chunks.length === 0) {
    const { document: again } = parseHTML(html);
    const main = again.querySelector('main') ?? again.querySelector('article') ?? again.body;
    if (main) chunks = chunkHtml(main);
  }
  // Readability sometimes keeps the h1 as a heading of the first chunk; the title already says it.
  chunks = chunks.filter((c) => c.body.length > 0);
  const text = chunks.map((c) => `${c.heading}\n${c.body}`).join('\n');
  const title = docTitle || clean(article?.title) || url;
  const language = htmlLang ?? selfHreflang ?? detectLanguage(`${title}\n${text}`) ?? fallbackLanguage;
  return { title, language, alternates, canonical, links, chunks, contentHash: hashText(`${title}\n${text}`) };
}

/** Extracts the text of a PDF; paragraphs become chunks of at most MAX_CHUNK_CHARS. */
export async function extractPdf(data: Uint8Array, url: string, fallbackLanguage: Language = 'es'): Promise<ExtractedPage> {
  const pdf = await getDocumentProxy(new Uint8Array(data));
  const { text } = await extractText(pdf, { mergePages: true });
  let metaTitle: string;
  try {
    const meta = await getMeta(pdf);
    const info = meta.info as Record<string, unknown>;
    metaTitle = typeof info.Title === 'string' ? clean(info.Title) : '';
  } catch {
    metaTitle = '';
  }
  const lines = text.split(/\n+/).map(clean).filter(Boolean);
  const title = metaTitle || lines[0] || decodeURIComponent(new URL(url).pathname.split('/').pop() ?? url);
  const chunks: ExtractedChunk[] = [];
  pushSection(chunks, '', lines);
  const language = detectLanguage(text) ?? fallbackLanguage;
  return { title, language, alternates: {}, canonical: undefined, links: [], chunks, contentHash: hashText(`${title}\n${text}`) };
}
