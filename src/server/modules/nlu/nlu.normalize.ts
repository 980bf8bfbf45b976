/**
 * Text normalisation for citizens' messages: people type without accents, with repeated letters,
 * SMS spellings and mixed languages, so every model sees one canonical form.
 */

/**
 * Folds one UTF-16 code unit to lowercase without diacritics, keeping the length: the entity
 * extractor matches on the folded text and reports offsets into the original.
 */
function foldChar(ch: string): string {
  const lower = ch.toLowerCase();
  if (lower.length !== 1) return ch;
  const base = lower.normalize('NFD').charAt(0);
  return base.length === 1 ? base : lower;
}

/** Lowercase, accents stripped, same length as `text` (offsets line up with the original). */
export function foldText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    const code = ch.charCodeAt(0);
    // Surrogate halves pass through untouched (emoji), keeping the length.
    if (code >= 0xd800 && code <= 0xdfff) out += ch;
    else if (ch === '·') out += ch;
    else out += foldChar(ch);
  }
  return out;
}

/**
 * SMS and colloquial spellings -> standard words. Only whole tokens are rewritten, and only
 * spellings that are not words of their own in es/ca/en.
 */
const SMS_WORDS: Readonly<Record<string, string>> = {
  q: 'que',
  k: 'que',
  ke: 'que',
  qe: 'que',
  xq: 'porque',
  xk: 'porque',
  pq: 'porque',
  pk: 'porque',
  porq: 'porque',
  porke: 'porque',
  xfa: 'por favor',
  xfavor: 'por favor',
  porfa: 'por favor',
  porfi: 'por favor',
  pls: 'please',
  plz: 'please',
  tb: 'tambien',
  tmb: 'tambien',
  tbn: 'tambien',
  dnd: 'donde',
  kiero: 'quiero',
  kero: 'quiero',
  qiero: 'quiero',
  kiere: 'quiere',
  kisiera: 'quisiera',
  kisiere: 'quisiera',
  aki: 'aqui',
  aqi: 'aqui',
  kien: 'quien',
  komo: 'como',
  kuando: 'cuando',
  nesesito: 'necesito',
  nesecito: 'necesito',
  nececito: 'necesito',
  nesesite: 'necessite',
  necesite: 'necessite',
  nesessite: 'necessite',
  sita: 'cita',
  sitas: 'citas',
  thx: 'thanks',
  thnx: 'thanks',
  tnx: 'thanks',
  ty: 'thank you',
  u: 'you',
  ur: 'your',
  wanna: 'want to',
  gonna: 'going to',
  pq2: 'porque',
  bn: 'bien',
  bns: 'buenos',
  wenas: 'buenas',
  wenos: 'buenos',
  ola: 'hola',
  grax: 'gracias',
  grasias: 'gracias',
  grasies: 'gracies',
  d: 'de',
  x: 'por',
  tngo: 'tengo',
  m: 'me',
};

/** Normalised text: folded, apostrophes and punctuation split, repeated letters collapsed, SMS words expanded. */
export function normalizeText(text: string): string {
  return tokenize(text).join(' ');
}

/**
 * Tokens of the normalised text. Identity numbers, references ("REC-2026-000123", "2026/1234"),
 * amounts and e-mail addresses stay whole; the rest splits on anything that is not a letter or digit.
 */
export function tokenize(text: string, opts: { expandSms?: boolean } = {}): string[] {
  const expandSms = opts.expandSms ?? true;
  const folded = foldText(text)
    // Catalan middle dot (col·lecció, sol·licitud) and its common substitutes.
    .replace(/l[·.-]l/g, 'll')
    // Runs of three or more identical letters are emphasis ("holaaa", "porfaaa").
    .replace(/([a-z])\1{2,}/g, '$1');
  const tokens: string[] = [];
  const re = /[a-z0-9]+(?:[-/.@][a-z0-9]+)*/g;
  for (const m of folded.matchAll(re)) {
    const raw = m[0];
    const isCompact = /\d/.test(raw) || raw.includes('@');
    const parts = isCompact ? [raw] : raw.split(/[-/.@]/);
    for (const part of parts) {
      if (!part) continue;
      // Language identification keeps SMS spellings: "xfa" and "q" say nothing about es vs ca once expanded to Spanish.
      const mapped = expandSms ? SMS_WORDS[part] : undefined;
      if (mapped) tokens.push(...mapped.split(' '));
      else tokens.push(part);
    }
  }
  return tokens;
}
