/**
 * Personal data out of transcripts and logs: DNI/NIE, IBAN, payment cards, phone numbers and e-mail
 * addresses become language-neutral placeholders ("[DNI]", "[IBAN]"...). Anything that looks like an
 * identity number is redacted whether or not its check letter is right; card numbers must pass Luhn
 * (a random 16-digit reference is not a card). Amounts, dates, postcodes and council references
 * ("REC-2026-000123", "REG-2026-000123") are left alone.
 */
import type { LoggerOptions, LogFn } from 'pino';

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

type Detector = { type: PiiType; re: RegExp; accept?: (m: RegExpExecArray) => { start: number; end: number } | undefined };

// Boundaries: not inside a longer word or number, and not the tail of a reference such as "REC-2026-...".
const B = String.raw`(?<![\p{L}\p{N}_\-/])`;
const E = String.raw`(?![\p{L}\p{N}_])`;

const DETECTORS: readonly Detector[] = [
  { type: 'EMAIL', re: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu },
  {
    type: 'IBAN',
    // Country code, check digits, then groups of up to four letters/digits separated by one space or dash.
    re: new RegExp(`${B}[A-Za-z]{2}\\d{2}(?:[ -]?[A-Za-z0-9]{1,4}){3,8}${E}`, 'gu'),
    accept: (m) => {
      // Trailing groups without digits are words that followed the IBAN ("... 1332 pago").
      let value = m[0];
      while (/[ -][A-Za-z]+$/.test(value)) value = value.replace(/[ -][A-Za-z]+$/, '');
      const compact = value.replace(/[ -]/g, '').toUpperCase();
      const digitCount = compact.replace(/\D/g, '').length;
      if (compact.length < 15 || compact.length > 34 || digitCount < 10) return undefined;
      if (compact.startsWith('ES') && !/^ES\d{22}$/.test(compact)) return undefined;
      return { start: m.index, end: m.index + value.length };
    },
  },
  {
    type: 'CARD',
    re: new RegExp(`${B}\\d(?:[ -]?\\d){12,18}${E}`, 'gu'),
    accept: (m) => (isLuhnValid(m[0]) ? { start: m.index, end: m.index + m[0].length } : undefined),
  },
  { type: 'NIE', re: new RegExp(`${B}[XYZxyz][ .-]?\\d{7}[ .-]?[A-Za-z]${E}`, 'gu') },
  { type: 'DNI', re: new RegExp(`${B}\\d{2}\\.?\\d{3}\\.?\\d{3}[ -]?[A-Za-z]${E}`, 'gu') },
  {
    // A bare 8-digit number right after a word that names an identity document ("mi DNI es 12345678").
    type: 'DNI',
    re: /\b(?:dni|nif|nie|documento|document|d\.n\.i\.?)\b[^\p{N}\n]{0,24}(\d{2}\.?\d{3}\.?\d{3})(?![\p{L}\p{N}])/giu,
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
