/**
 * Personal data out of transcripts and logs: DNI/NIE, IBAN, payment cards, phone numbers and e-mail
 * addresses become language-neutral placeholders ("[DNI]", "[IBAN]"...). Anything that looks like an
 * identity number is redacted whether or not its check letter is right; card numbers must pass Luhn
 * (a random 16-digit reference is not a card); IBANs must pass mod-97 at their country's registry length
 * (a reference that merely starts with two letters and two digits is not an IBAN). Amounts, dates,
 * postcodes and council references ("REC-2026-000123", "REG-2026-000123") are left alone.
 */
import type { LoggerOptions, LogFn } from 'pino';
import { isValidIban } from '../../../shared/validators.ts';

export type PiiType = 'DNI' | 'NIE' | 'IBAN' | 'CARD' | 'PHONE' | 'EMAIL';

/** One redacted span, as offsets (UTF-16 code units) into the original text. */
export interface PiiFinding {
  type: PiiType;
  start: number;
  end: number;
}

export interface RedactionResult {
  text: string;
  found: PiiFinding[];
}

/** The placeholder written instead of each kind of personal data. */
export const PII_PLACEHOLDERS: Readonly<Record<PiiType, string>> = {
  DNI: '[DNI]',
  NIE: '[NIE]',
  IBAN: '[IBAN]',
  CARD: '[CARD]',
  PHONE: '[PHONE]',
  EMAIL: '[EMAIL]',
};

/** Luhn checksum over the digits of `raw` (ISO/IEC 7812). */
export function isLuhnValid(raw: string): boolean {
  const digits = raw.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

type Span = { start: number; end: number };
type Detector =
  | { type: PiiType; re: RegExp; accept?: (m: RegExpExecArray) => Span | undefined }
  | { type: PiiType; scan: (text: string) => Span[] };

// Boundaries: not inside a longer word or number, and not the tail of a reference such as "REC-2026-...".
const B = String.raw`(?<![\p{L}\p{N}_\-/])`;
const E = String.raw`(?![\p{L}\p{N}_])`;
// ...or right after the name of the document, which people glue to the number ("DNI12345678Z", "NIE-X1234567L").
const AFTER_ID_WORD = String.raw`(?<=(?<![\p{L}\p{N}])(?:[dD][nN][iI]|[nN][iI][fF]|[nN][iI][eE])[:.\-]?)`;
const ID_START = `(?:${B}|${AFTER_ID_WORD})`;

/**
 * IBAN lengths (ISO 13616 registry) of the SEPA countries and a few neighbours. A candidate from one of
 * these countries is cut to exactly this many characters, so whatever follows it ("... 1332 2 recibos",
 * a second IBAN) cannot spoil the match.
 */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AL: 28, AT: 20, BA: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24,
  FI: 18, FR: 27, GB: 22, GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, RS: 22, SE: 24,
  SI: 19, SK: 24, SM: 27, TR: 26, UA: 29, VA: 22,
};

const IBAN_START = /(?<![\p{L}\p{N}_])[A-Za-z]{2}\d{2}/gu;
const IBAN_CHAR = /[A-Za-z0-9]/;
const IBAN_SEPARATOR = /[ \u00A0-]/;

/**
 * The IBAN that starts at `start`, if any. Characters are read as people write them (groups separated by
 * one space or dash), up to the 34 an IBAN can have; then the country's registry length is taken, or, for
 * a country not in the table, the longest group-aligned prefix of 15 to 34 characters. Only a prefix that
 * passes mod-97 counts: a shorter prefix is tried instead of dropping the whole candidate.
 */
function ibanAt(text: string, start: number): Span | undefined {
  let compact = '';
  // ends[k]: offset in `text` just after the (k+1)-th IBAN character; groupEnds: lengths where a group ended.
  const ends: number[] = [];
  const groupEnds = new Set<number>();
  let i = start;
  while (i < text.length && compact.length < 34) {
    const ch = text.charAt(i);
    if (IBAN_CHAR.test(ch)) {
      compact += ch.toUpperCase();
      ends.push(++i);
    } else if (IBAN_SEPARATOR.test(ch) && IBAN_CHAR.test(text.charAt(i + 1))) {
      groupEnds.add(compact.length);
      i++;
    } else break;
  }
  groupEnds.add(compact.length);
  const spanOf = (length: number): Span | undefined => {
    const end = ends[length - 1];
    return end !== undefined && isValidIban(compact.slice(0, length)) ? { start, end } : undefined;
  };
  const country = compact.slice(0, 2);
  const registered = IBAN_LENGTHS[country];
  if (registered !== undefined) {
    // Spanish account numbers are digits only: a letter inside the 24 is a word, not a typo.
    if (country === 'ES' && !/^ES\d{22}/.test(compact)) return undefined;
    return spanOf(registered);
  }
  const lengths = [...groupEnds].filter((n) => n >= 15 && n <= 34).sort((a, b) => b - a);
  for (const n of lengths) {
    const span = spanOf(n);
    if (span) return span;
  }
  return undefined;
}

/** Every IBAN in `text`; scanning resumes right after each one, so two IBANs in a row are both found. */
function scanIbans(text: string): Span[] {
  const spans: Span[] = [];
  const re = new RegExp(IBAN_START.source, IBAN_START.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const span = ibanAt(text, m.index);
    if (span) {
      spans.push(span);
      re.lastIndex = span.end;
    } else re.lastIndex = m.index + 1;
  }
  return spans;
}

const DETECTORS: readonly Detector[] = [
  { type: 'EMAIL', re: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu },
  { type: 'IBAN', scan: scanIbans },
  {
    type: 'CARD',
    re: new RegExp(`${B}\\d(?:[ -]?\\d){12,18}${E}`, 'gu'),
    accept: (m) => (isLuhnValid(m[0]) ? { start: m.index, end: m.index + m[0].length } : undefined),
  },
  { type: 'NIE', re: new RegExp(`${ID_START}[XYZxyz][ .-]?\\d{7}[ .-]?[A-Za-z]${E}`, 'gu') },
  { type: 'DNI', re: new RegExp(`${ID_START}\\d{2}\\.?\\d{3}\\.?\\d{3}[ -]?[A-Za-z]${E}`, 'gu') },
  {
    // A bare 8-digit number right after a word that names an identity document ("mi DNI es 12345678",
    // "dni12345678").
    type: 'DNI',
    re: /\b(?:dni|nif|nie|documento|document|d\.n\.i\.?)(?!\p{L})[^\p{N}\n]{0,24}(\d{2}\.?\d{3}\.?\d{3})(?![\p{L}\p{N}])/giu,
    accept: (m) => {
      const digits = m[1] ?? '';
      const start = m.index + m[0].length - digits.length;
      return { start, end: start + digits.length };
    },
  },
  {
    // Spanish numbers: optional +34/0034, nine digits starting 6, 7, 8 or 9, spaced or dotted as people write them.
    type: 'PHONE',
    re: new RegExp(`${B}(?<!\\d[.,])(?:(?:\\(?\\+34\\)?|0034)[ .-]?)?[6789](?:[ .-]?\\d){8}(?![\\p{L}\\p{N}_]|[.,]\\d)`, 'gu'),
  },
  {
    // Other countries, only with the international prefix ("+44 20 7946 0958").
    type: 'PHONE',
    re: /(?<![\p{L}\p{N}+])\+\d{1,3}(?:[ .-]?\d){6,12}(?![\p{L}\p{N}])/gu,
  },
];

/** Finds the personal data in `text` without changing it: non-overlapping spans, in text order. */
export function findPersonalData(text: string): PiiFinding[] {
  const found: PiiFinding[] = [];
  const overlaps = (s: number, e: number) => found.some((f) => s < f.end && e > f.start);
  for (const d of DETECTORS) {
    if ('scan' in d) {
      for (const span of d.scan(text)) if (!overlaps(span.start, span.end)) found.push({ type: d.type, ...span });
      continue;
    }
    d.re.lastIndex = 0;
    for (const m of text.matchAll(d.re)) {
      const span = d.accept ? d.accept(m) : { start: m.index, end: m.index + m[0].length };
      if (span && !overlaps(span.start, span.end)) found.push({ type: d.type, ...span });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The text with personal data replaced by placeholders, and where each was (offsets into the original). */
export function redact(text: string): RedactionResult {
  const found = findPersonalData(text);
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + PII_PLACEHOLDERS[f.type];
    at = f.end;
  }
  return { text: out + text.slice(at), found };
}

/** Redacts every string inside a JSON-like value (objects, arrays), for payloads that are stored or logged. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redact(value).text as T;
  // Deeper than 8 levels is not a log payload we wrote; leave it as is rather than walk cycles.
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Date || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v, depth + 1);
  return out as T;
}

/**
 * Pino options that redact free text in every log line: the message and any string field of the logged
 * object. Spread into the logger options: `pino({ ...pinoRedactionOptions(), level })` (Fastify:
 * `logger: { ...pinoRedactionOptions(), ... }`). Path-based `redact` (cookies, headers) still applies.
 */
export function pinoRedactionOptions(): Pick<LoggerOptions, 'hooks' | 'formatters'> {
  return {
    hooks: {
      logMethod(args: Parameters<LogFn>, method: LogFn) {
        const redacted = (args as unknown[]).map((a) => (typeof a === 'string' ? redact(a).text : a));
        method.apply(this, redacted as Parameters<LogFn>);
      },
    },
    formatters: {
      log: (object: Record<string, unknown>) => redactDeep(object),
    },
  };
}
