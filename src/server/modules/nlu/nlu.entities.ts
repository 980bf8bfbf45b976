/**
 * Entity extraction in es / ca / en. Matching runs on a folded copy of the text (lowercase, no accents,
 * same length), so every entity's start/end are offsets into the ORIGINAL text.
 *
 * Reference formats (documented for citizens and staff in the same terms):
 * - receipts: "REC-2026-000123" (REC, year, 6 digits) or a bare 10-13 digit receipt number;
 * - fines: "MUL-2026-004512"; a file number "2026/1234" is a fine reference when the message speaks
 *   of a fine, else a generic file (expediente / registry) reference.
 */
import { isValidDni, isValidNie, normalizeDocumentId } from '../../../shared/validators.ts';
import { addDays, compareDates, formatDate, formatDateTime, localDate, makeDate, type LocalDate } from './nlu.dates.ts';
import { foldText } from './nlu.normalize.ts';

export const ENTITY_TYPES = [
  'dni',
  'nie',
  'invalid_document_id',
  'date',
  'time',
  'datetime',
  'part_of_day',
  'money',
  'receipt_ref',
  'fine_ref',
  'file_ref',
  'email',
  'phone',
  'office',
  'yes_no',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface Entity {
  type: EntityType;
  /** Normalised value: "12345678Z", "2026-12-03", "10:30", ISO date-time, cents (number), office id, "yes"/"no". */
  value: string | number;
  /** The text as the citizen wrote it. */
  text: string;
  /** UTF-16 offsets into the original text, end exclusive. */
  start: number;
  end: number;
}

export interface OfficeNames {
  id: string;
  names: Partial<Record<string, string>>;
  aliases: readonly string[];
}

export interface EntityContext {
  /** Reference instant for relative dates. */
  now: Date;
  /** IANA time zone of the council (Europe/Madrid). */
  timeZone: string;
  offices?: readonly OfficeNames[];
}

interface Candidate extends Entity {
  /** Higher wins when two candidates overlap with the same length. */
  priority: number;
}

const MONTHS: Readonly<Record<string, number>> = {
  enero: 1, febrero: 2, marzo: 3, abril: 4, mayo: 5, junio: 6, julio: 7, agosto: 8, septiembre: 9, setiembre: 9, octubre: 10, noviembre: 11, diciembre: 12,
  gener: 1, febrer: 2, marc: 3, maig: 5, juny: 6, juliol: 7, agost: 8, setembre: 9, novembre: 11, desembre: 12,
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH_RE = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

const WEEKDAYS: Readonly<Record<string, number>> = {
  domingo: 0, lunes: 1, martes: 2, miercoles: 3, jueves: 4, viernes: 5, sabado: 6,
  diumenge: 0, dilluns: 1, dimarts: 2, dimecres: 3, dijous: 4, divendres: 5, dissabte: 6,
  sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
};
const WEEKDAY_RE = Object.keys(WEEKDAYS).join('|');

const HOUR_WORDS: Readonly<Record<string, number>> = {
  una: 1, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10, once: 11, doce: 12,
  dues: 2, quatre: 4, cinc: 5, sis: 6, set: 7, huit: 8, vuit: 8, nou: 9, deu: 10, onze: 11, dotze: 12,
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};
const HOUR_RE = `\\d{1,2}|${Object.keys(HOUR_WORDS).sort((a, b) => b.length - a.length).join('|')}`;

const AMOUNT = String.raw`(\d{1,3}(?:[.\s]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)`;
const MONEY_AFTER_RE = new RegExp(String.raw`(?<![\d.,])${AMOUNT}\s*(?:€|euros?|eur)(?![a-z])`, 'g');
const MONEY_BEFORE_RE = new RegExp(String.raw`€\s*${AMOUNT}(?![\d])`, 'g');
const WEEKDAY_DATE_RE = new RegExp(
  String.raw`\b(?:(?:el|this|next|on|el proximo|el proxim|proximo|proxim|este|aquest)\s+)?(${WEEKDAY_RE})(?:\s+(?:que viene|que ve|proximo|proxim|de la semana que viene|de la setmana que ve|next week))?\b`,
  'g',
);
const DAY_MONTH_RE = new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:de\s+|d'|of\s+)?(${MONTH_RE})\b(?:\s*(?:de\s+|del\s+)?(\d{4}))?`, 'g');
const MONTH_DAY_RE = new RegExp(String.raw`\b(${MONTH_RE})\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s*(\d{4}))?`, 'g');

type PartOfDay = 'morning' | 'afternoon' | 'evening' | 'night';
const PART_OF_DAY: readonly [RegExp, PartOfDay][] = [
  [/\b(?:por la|de la|en la|a la|esta|this|in the|pel|de|al|per la|aquest)\s+(?:manana|mati|morning)\b/g, 'morning'],
  [/\b(?:por la|de la|esta|en la|a la|per la|de|aquesta|this|in the)\s+(?:tarde|vesprada|afternoon)\b/g, 'afternoon'],
  [/\b(?:por la|de la|esta|this|in the|per la|de)\s+(?:noche|nit|evening)\b/g, 'evening'],
  [/\btonight\b/g, 'evening'],
  [/\b(?:al |a )?(?:mediodia|migdia|midday|noon)\b/g, 'afternoon'],
];

function hourValue(raw: string): number | undefined {
  if (/^\d+$/.test(raw)) return Number(raw);
  return HOUR_WORDS[raw];
}

const ES_CA_TIME_RE = new RegExp(
  String.raw`\b(?:a|sobre|hacia|cap a|para)\s+(?:las|la|les|l')\s*(${HOUR_RE})(?:(?:[:.h])(\d{2}))?(?:\s*(?:y|i)\s*(media|mitja|cuarto|quart))?(?:\s*(?:menos|menys)\s*(cuarto|quart))?(?:\s*(?:h|horas|hores)\b)?`,
  'g',
);
const EN_TIME_RE = new RegExp(String.raw`\b(?:at|around|by)\s+(?:(half past|quarter past|quarter to)\s+)?(${HOUR_RE})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|o'clock|oclock)?`, 'g');

/** One alternation per council's office list, built once (offices change only with the profile). */
const officeMatchers = new WeakMap<readonly OfficeNames[], { re: RegExp; byTerm: Map<string, string> } | undefined>();
function officeMatcher(offices: readonly OfficeNames[]): { re: RegExp; byTerm: Map<string, string> } | undefined {
  if (officeMatchers.has(offices)) return officeMatchers.get(offices);
  const byTerm = new Map<string, string>();
  for (const o of offices) {
    for (const n of [...Object.values(o.names), ...o.aliases]) {
      const term = n ? foldText(n).trim() : '';
      if (term.length >= 3 && !byTerm.has(term)) byTerm.set(term, o.id);
    }
  }
  const terms = [...byTerm.keys()].sort((a, b) => b.length - a.length);
  const matcher = terms.length ? { re: new RegExp(String.raw`(?<![a-z0-9])(?:${terms.map(escapeRegExp).join('|')})(?![a-z0-9])`, 'g'), byTerm } : undefined;
  officeMatchers.set(offices, matcher);
  return matcher;
}

/** Yes / no words; only read as an answer at the very start of a short reply. */
const YES = ['si', 'vale', 'ok', 'okay', 'claro', 'clar', 'de acuerdo', "d'acord", 'dacord', 'val', 'yes', 'yeah', 'yep', 'sure', 'correcto', 'correcte', 'exacto', 'exacte', 'afirmativo', 'of course', 'perfecto', 'perfecte', 'vale vale', 'por supuesto', 'per suposat', 'confirmo', 'confirm', 'sip'];
const NO = ['no', 'nope', 'nah', 'para nada', 'de ninguna manera', 'ni hablar', 'negativo', 'no gracias', 'no thanks', 'no, gracias', 'tampoco', 'gens', 'cap'];

/** Extracts every entity, non-overlapping, in text order. */
export function extractEntities(text: string, ctx: EntityContext): Entity[] {
  const f = foldText(text);
  const cands: Candidate[] = [];
  const push = (type: EntityType, value: string | number, start: number, end: number, priority = 1) => {
    cands.push({ type, value, text: text.slice(start, end), start, end, priority });
  };
  const today = localDate(ctx.now, ctx.timeZone);

  // Identity documents: "12345678Z", "12.345.678-z", "X1234567L".
  for (const m of f.matchAll(/(?<![a-z0-9])(\d{2}\.?\d{3}\.?\d{3}[\s-]?[a-z])(?![a-z0-9])/g)) {
    const v = normalizeDocumentId(m[0]);
    push(isValidDni(v) ? 'dni' : 'invalid_document_id', v, m.index, m.index + m[0].length, 5);
  }
  for (const m of f.matchAll(/(?<![a-z0-9])([xyz][\s-]?\d{7}[\s-]?[a-z])(?![a-z0-9])/g)) {
    const v = normalizeDocumentId(m[0]);
    push(isValidNie(v) ? 'nie' : 'invalid_document_id', v, m.index, m.index + m[0].length, 5);
  }

  // E-mail (on the original: case is kept in the value's local part is irrelevant, we lowercase).
  for (const m of f.matchAll(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/g)) push('email', m[0], m.index, m.index + m[0].length, 6);

  // References.
  for (const m of f.matchAll(/\brec[\s-]?(\d{4})[\s-]?(\d{6})\b/g)) push('receipt_ref', `REC-${m[1]}-${m[2]}`, m.index, m.index + m[0].length, 6);
  for (const m of f.matchAll(/\bmul[\s-]?(\d{4})[\s-]?(\d{6})\b/g)) push('fine_ref', `MUL-${m[1]}-${m[2]}`, m.index, m.index + m[0].length, 6);
  for (const m of f.matchAll(/(?<![\d/])(\d{10,13})(?![\d/])/g)) push('receipt_ref', m[1] ?? m[0], m.index, m.index + m[0].length, 3);
  const speaksOfFine = /\b(?:multa|multas|multes|sancion|sancio|fine|fines|penalty|denuncia|multad|multat)/.test(f);
  for (const m of f.matchAll(/(?<![\d/])((?:19|20)\d{2})\s?\/\s?(\d{1,8})(?![\d/])/g)) {
    push(speaksOfFine ? 'fine_ref' : 'file_ref', `${m[1]}/${m[2]}`, m.index, m.index + m[0].length, 4);
  }

  // Spanish phones: 9 digits starting 6-9, optional +34 / 0034, spaces, dots or dashes between groups.
  for (const m of f.matchAll(/(?<![\d+])(?:(?:\+|00)34[\s.-]?)?([6789](?:[\s.-]?\d){8})(?!\d)/g)) {
    const digits = (m[1] ?? '').replace(/\D/g, '');
    // A prefixed number (+34 / 0034) is surely a phone, not a 13-digit receipt number.
    const isPrefixed = m[0].length > (m[1] ?? '').length;
    if (digits.length === 9) push('phone', `+34${digits}`, m.index, m.index + m[0].length, isPrefixed ? 7 : 3);
  }

  // Money -> integer cents: "25 euros", "25,50 €", "1.234,56€", "€12.50", "30 eur".
  for (const m of f.matchAll(MONEY_AFTER_RE)) {
    const cents = toCents(m[1] ?? '');
    if (cents !== undefined) push('money', cents, m.index, m.index + m[0].length, 4);
  }
  for (const m of f.matchAll(MONEY_BEFORE_RE)) {
    const cents = toCents(m[1] ?? '');
    if (cents !== undefined) push('money', cents, m.index, m.index + m[0].length, 4);
  }

  // Dates.
  const dates: { d: LocalDate; start: number; end: number }[] = [];
  const addDate = (d: LocalDate | undefined, start: number, end: number) => {
    if (!d) return;
    dates.push({ d, start, end });
    push('date', formatDate(d), start, end, 2);
  };
  const futureYear = (month: number, day: number, year?: number): LocalDate | undefined => {
    if (year !== undefined) return makeDate(year < 100 ? 2000 + year : year, month, day);
    const d = makeDate(today.year, month, day);
    if (d && compareDates(d, today) < 0) return makeDate(today.year + 1, month, day);
    return d;
  };
  // "pasado mañana", "demà passat", "the day after tomorrow" before "mañana".
  for (const m of f.matchAll(/\b(?:pasado manana|passat dema|dema passat|the day after tomorrow|day after tomorrow)\b/g)) addDate(addDays(today, 2), m.index, m.index + m[0].length);
  for (const m of f.matchAll(/\b(?:hoy|hui|avui|today|tonight|esta (?:manana|tarde|noche)|aquest mati|aquesta vesprada|this (?:morning|afternoon|evening))\b/g)) {
    const word = (/^\S+/.exec(m[0]) ?? [''])[0];
    const isThisPart = word === 'esta' || word === 'aquest' || word === 'aquesta' || word === 'this';
    // "esta tarde" is a date (today) and a part of day; the date covers only the demonstrative.
    addDate(today, m.index, m.index + (isThisPart ? word.length : m[0].length));
  }
  for (const m of f.matchAll(/\b(?:manana|dema|tomorrow)\b/g)) {
    const before = f.slice(Math.max(0, m.index - 8), m.index);
    // "por la mañana" / "de mañana" is a part of the day, not tomorrow.
    if (/(?:la|de|esta|pasado)\s+$/.test(before) && m[0] === 'manana') continue;
    if (/passat\s+$/.test(before)) continue;
    addDate(addDays(today, 1), m.index, m.index + m[0].length);
  }
  for (const m of f.matchAll(/\b(?:ayer|ahir|yesterday)\b/g)) addDate(addDays(today, -1), m.index, m.index + m[0].length);
  for (const m of f.matchAll(WEEKDAY_DATE_RE)) {
    const wd = WEEKDAYS[m[1] ?? ''];
    if (wd === undefined) continue;
    // "el jueves" / "this thursday": the nearest one after today. "el jueves que viene", "dijous que ve",
    // "next thursday", "el próximo jueves": the one in next week (Monday to Sunday), as people here use it.
    const isNext = /que viene|que ve|proxim|next/.test(m[0]);
    if (isNext) {
      const nextMonday = addDays(today, (8 - today.weekday) % 7 || 7);
      addDate(addDays(nextMonday, (wd + 6) % 7), m.index, m.index + m[0].length);
    } else {
      addDate(addDays(today, (wd - today.weekday + 7) % 7 || 7), m.index, m.index + m[0].length);
    }
  }
  // "el 3 de diciembre", "3 d'octubre", "3 de desembre de 2026", "dia 3 de marzo".
  for (const m of f.matchAll(DAY_MONTH_RE)) {
    const month = MONTHS[m[2] ?? ''];
    if (month === undefined) continue;
    addDate(futureYear(month, Number(m[1]), m[3] ? Number(m[3]) : undefined), m.index, m.index + m[0].length);
  }
  // "December 3rd", "december 3 2026".
  for (const m of f.matchAll(MONTH_DAY_RE)) {
    const month = MONTHS[m[1] ?? ''];
    if (month === undefined) continue;
    addDate(futureYear(month, Number(m[2]), m[3] ? Number(m[3]) : undefined), m.index, m.index + m[0].length);
  }
  // "3/12", "03-12-2026", "3.12.26" (day first, as written in Spain); ISO "2026-12-03".
  for (const m of f.matchAll(/(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d/.-])/g)) addDate(makeDate(Number(m[1]), Number(m[2]), Number(m[3])), m.index, m.index + m[0].length);
  for (const m of f.matchAll(/(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?(?![\d/.-])/g)) {
    // "10.30" or "10:30" is a time, handled below; a date needs a month 1-12 and, with dots, a year.
    if (m[0].includes('.') && !m[3]) continue;
    addDate(futureYear(Number(m[2]), Number(m[1]), m[3] ? Number(m[3]) : undefined), m.index, m.index + m[0].length);
  }
  // "el dia 3", "el día 15" -> that day this month, or next month when it has passed.
  for (const m of f.matchAll(/\b(?:el\s+)?dia\s+(\d{1,2})\b/g)) {
    const day = Number(m[1]);
    let d = makeDate(today.year, today.month, day);
    if (d && compareDates(d, today) < 0) d = today.month === 12 ? makeDate(today.year + 1, 1, day) : makeDate(today.year, today.month + 1, day);
    addDate(d, m.index, m.index + m[0].length);
  }

  // Parts of the day.
  const parts: { p: PartOfDay; start: number; end: number }[] = [];
  for (const [re, p] of PART_OF_DAY) {
    for (const m of f.matchAll(re)) {
      parts.push({ p, start: m.index, end: m.index + m[0].length });
      push('part_of_day', p, m.index, m.index + m[0].length, 1);
    }
  }

  // Times: "a las 10", "a les deu i mitja", "at 10", "10:30", "17h", "5pm", "half past ten".
  const times: { h: number; min: number; start: number; end: number }[] = [];
  const addTime = (hRaw: string, minute: number, start: number, end: number, meridiem?: string) => {
    let h = hourValue(hRaw);
    if (h === undefined || h > 23 || minute > 59) return;
    const after = f.slice(end, end + 24);
    const pm = meridiem === 'pm' || /^\s*(?:de la tarde|de la vesprada|de la nit|de la noche|in the afternoon|in the evening|pm|p\.m\.)/.test(after) || parts.some((p) => p.p !== 'morning' && Math.abs(p.start - end) < 12);
    const am = meridiem === 'am' || /^\s*(?:de la manana|del mati|de mati|in the morning|am|a\.m\.)/.test(after);
    if (pm && h < 12) h += 12;
    // A council's working day: "a las 5" means 17:00, nobody books at five in the morning.
    else if (!am && h >= 1 && h <= 7) h += 12;
    if (meridiem === 'am' && h === 12) h = 0;
    times.push({ h, min: minute, start, end });
    push('time', `${String(h).padStart(2, '0')}:${String(minute).padStart(2, '0')}`, start, end, 3);
  };
  const minuteWords = (w: string | undefined): number => {
    if (!w) return 0;
    if (/media|mitja|half/.test(w)) return 30;
    if (/cuarto|quart|quarter/.test(w)) return 15;
    return 0;
  };
  for (const m of f.matchAll(ES_CA_TIME_RE)) {
    let minute = m[2] ? Number(m[2]) : minuteWords(m[3]);
    let hour = m[1] ?? '';
    if (m[4]) {
      const h = hourValue(hour);
      if (h === undefined) continue;
      hour = String(h - 1 || 12);
      minute = 45;
    }
    addTime(hour, minute, m.index, m.index + m[0].length);
  }
  for (const m of f.matchAll(EN_TIME_RE)) {
    let hour = m[2] ?? '';
    let minute = m[3] ? Number(m[3]) : minuteWords(m[1]);
    if (m[1] === 'quarter to') {
      const h = hourValue(hour);
      if (h === undefined) continue;
      hour = String(h - 1 || 12);
      minute = 45;
    }
    const mer = m[4]?.startsWith('p') ? 'pm' : m[4]?.startsWith('a') ? 'am' : undefined;
    addTime(hour, minute, m.index, m.index + m[0].length, mer);
  }
  for (const m of f.matchAll(/(?<![\d/.:-])([01]?\d|2[0-3])(?::|h)([0-5]\d)(?![\d/])\s*(am|pm)?/g)) addTime(m[1] ?? '', Number(m[2]), m.index, m.index + m[0].length, m[3]);
  for (const m of f.matchAll(/(?<![\d/.:-])(1[0-2]|0?[1-9])\s*(am|pm|a\.m\.|p\.m\.)/g)) addTime(m[1] ?? '', 0, m.index, m.index + m[0].length, m[2]?.startsWith('p') ? 'pm' : 'am');
  for (const m of f.matchAll(/(?<![\d/.:-])([01]?\d|2[0-3])\s?h\b/g)) addTime(m[1] ?? '', 0, m.index, m.index + m[0].length);

  // Offices: names in every language and the council's aliases, longest first, on word boundaries.
  const office = ctx.offices ? officeMatcher(ctx.offices) : undefined;
  if (office) {
    for (const m of f.matchAll(office.re)) {
      const id = office.byTerm.get(m[0]);
      if (id) push('office', id, m.index, m.index + m[0].length, 2);
    }
  }

  // Yes / no: first words of a short answer ("si", "vale gracias", "no, gracias").
  const lead = /^[\s¡!¿?.,]*/.exec(f)?.[0].length ?? 0;
  const words = f.trim().split(/\s+/).filter(Boolean);
  for (const [list, value] of [[YES, 'yes'], [NO, 'no']] as const) {
    for (const w of [...list].sort((a, b) => b.length - a.length)) {
      if (!f.startsWith(w, lead)) continue;
      const end = lead + w.length;
      const next = f.charAt(end);
      if (next && /[a-z0-9']/.test(next)) continue;
      const isShort = words.length <= 4 || /^[\s]*[,.!;]/.test(f.slice(end));
      if (isShort) {
        push('yes_no', value, lead, end, 1);
        break;
      }
    }
  }

  // A date and an exact time in the same message make one date-time as well.
  const picked = resolveOverlaps(cands);
  const pickedDates = picked.filter((e) => e.type === 'date');
  const pickedTimes = picked.filter((e) => e.type === 'time');
  const firstDate = pickedDates[0];
  const firstTime = pickedTimes[0];
  if (pickedDates.length === 1 && pickedTimes.length === 1 && firstDate && firstTime) {
    const d = dates.find((x) => x.start === firstDate.start && x.end === firstDate.end);
    const t = times.find((x) => x.start === firstTime.start && x.end === firstTime.end);
    if (d && t) {
      const start = Math.min(firstDate.start, firstTime.start);
      const end = Math.max(firstDate.end, firstTime.end);
      picked.push({ type: 'datetime', value: formatDateTime(d.d, t.h, t.min, ctx.timeZone), text: text.slice(start, end), start, end, priority: 0 });
    }
  }
  return picked.sort((a, b) => a.start - b.start || b.end - a.end).map(({ priority: _p, ...e }) => e);
}

function toCents(raw: string): number | undefined {
  let s = raw.replace(/\s/g, '');
  // "1.234,56" / "1.234" -> thousands with dots; "12.50" / "12,5" -> decimals.
  if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(s)) s = s.replace(/\./g, '').replace(',', '.');
  else s = s.replace(',', '.');
  const v = Number(s);
  if (!Number.isFinite(v)) return undefined;
  return Math.round(v * 100);
}

/** Longest span wins; on equal length, the higher priority; earlier candidates win ties. */
function resolveOverlaps(cands: Candidate[]): Candidate[] {
  const sorted = [...cands].sort((a, b) => b.end - b.start - (a.end - a.start) || b.priority - a.priority || a.start - b.start);
  const out: Candidate[] = [];
  for (const c of sorted) {
    if (out.some((o) => c.start < o.end && o.start < c.end)) continue;
    out.push(c);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
