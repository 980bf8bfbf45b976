/**
 * Small language tools shared by the extractor, the index and the answerer: language guessing from text,
 * accent folding, tokenising, sentence splitting and the words a question carries that say nothing.
 */
import { isLanguage, type Language } from '../../../shared/languages.ts';

/** Frequent function words that tell the three languages apart (unaccented, lower case). */
const MARKERS: Record<Language, readonly string[]> = {
  es: ['el', 'la', 'los', 'las', 'del', 'que', 'en', 'por', 'para', 'con', 'una', 'es', 'se', 'y', 'como', 'donde', 'puedo', 'quiero', 'mi', 'cuando', 'hay', 'tengo', 'pero', 'esta', 'este', 'al', 'lo', 'su', 'sus', 'o'],
  ca: ['el', 'la', 'els', 'les', 'del', 'que', 'en', 'per', 'amb', 'una', 'es', 'i', 'com', 'on', 'puc', 'vull', 'meu', 'meua', 'quan', 'hi', 'tinc', 'pero', 'aquesta', 'este', 'als', 'seu', 'seua', 'dels', 'ha', 'o', 'cal', 'fer'],
  en: ['the', 'of', 'and', 'to', 'in', 'for', 'is', 'how', 'can', 'i', 'my', 'a', 'an', 'where', 'what', 'do', 'get', 'when', 'does', 'with', 'on', 'need', 'want', 'it', 'you', 'are', 'be', 'there', 'which'],
};
const MARKER_SETS = Object.fromEntries(Object.entries(MARKERS).map(([k, v]) => [k, new Set(v)])) as Record<Language, Set<string>>;
/** Letters or digraphs found in only one of the languages. */
const LETTER_HINTS: readonly [RegExp, Language, number][] = [
  [/l·l|ny\b|\bny|ix\b|tx/, 'ca', 2],
  // Elided articles and pronouns: l'ajuntament, d'empadronament, m'he.
  [/\b[mtsldn]'(?:h|[aeiouàèéíòóú])/, 'ca', 2],
  [/[àèòï]/, 'ca', 2],
  [/ñ|[¿¡]|ción\b|ión\b/, 'es', 2],
  [/\bth|w|ing\b|ght/, 'en', 1],
];

/** Lower case without accents (ñ and ç fold too; the full-text index does the same with unaccent). */
export function fold(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/·/g, '');
}

/** Words of a text, folded, at least two letters. */
export function words(text: string): string[] {
  return fold(text).split(/[^a-z0-9]+/).filter((w) => w.length >= 2);
}

/** Best guess of the language of a text, or undefined when it is too short to tell. */
export function detectLanguage(text: string, allowed: readonly Language[] = ['es', 'ca', 'en']): Language | undefined {
  const sample = text.slice(0, 4000);
  const ws = fold(sample).split(/[^a-z]+/).filter(Boolean);
  if (ws.length === 0) return undefined;
  const score: Record<Language, number> = { es: 0, ca: 0, en: 0 };
  for (const w of ws) for (const l of allowed) if (MARKER_SETS[l].has(w)) score[l] += 1;
  const low = sample.toLowerCase();
  for (const [re, l, weight] of LETTER_HINTS) if (allowed.includes(l) && re.test(low)) score[l] += weight;
  const ranked = [...allowed].sort((a, b) => score[b] - score[a]);
  const best = ranked[0];
  if (best === undefined || score[best] === 0) return undefined;
  return best;
}

/** "es-ES", "va", "ca-valencia" -> our language, else undefined. */
export function normalizeLangTag(tag: string | null | undefined): Language | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  const mapped = primary === 'va' ? 'ca' : primary;
  return isLanguage(mapped) ? mapped : undefined;
}

/** Splits text into sentences, keeping abbreviations like "Sr." and "art." attached. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n+/)) {
    const parts = para.split(/(?<=[.!?;:])\s+(?=[¿¡("«A-ZÁÉÍÓÚÀÈÒÑÇ0-9•-])/);
    let carry = '';
    for (const p of parts) {
      const s = (carry ? `${carry} ` : '') + p.trim();
      if (/\b(?:Sr|Sra|art|núm|Avda|C|Pza|pág|etc|aprox)\.$/i.test(s) || s.length < 12) {
        carry = s;
        continue;
      }
      carry = '';
      if (s) out.push(s);
    }
    if (carry) out.push(carry);
  }
  return out.filter((s) => s.replace(/\W/g, '').length > 2);
}

/**
 * Words that carry no topic in a citizen's question ("how can I…", "quiero…", "vull…").
 * The full-text configurations drop grammatical stop words; these are the conversational ones on top.
 */
export const QUESTION_NOISE: Record<Language, ReadonlySet<string>> = {
  es: new Set(
    'hola buenas buenos dias tardes gracias favor quiero querria queria necesito necesitaria puedo podria pueden puede se saber hacer hago tengo tiene tienen donde cuando como cual cuales que quien cuanto cuanta cuantos hay algo alguien mi mis me te le yo usted ustedes ayuntamiento zaragoza ciudad municipal municipales ayuda informacion info oye mira pues vale tramite tramites tramitar gestion gestionar ir debo deberia tendria hace sobre'.split(' '),
  ),
  ca: new Set(
    'hola bon dia bona tarda gracies favor vull voldria volia necessite necessito necessitaria puc podria poden pot saber fer faig tinc te on quan com qual quals que qui quant quanta quants hi ha alguna cosa algu meu meua meus meues em et li jo vosté ajuntament zaragoza saragossa ciutat municipal ajuda informacio info mira doncs val tramit tramits tramitar gestio gestionar anar he hauria haure sobre'.split(' '),
  ),
  en: new Set(
    "hi hello please thanks thank want would like need can could may do does did how where when what which who whom much many there is are am i my me you your city council town hall zaragoza help information info get go should must have has about tell know".split(' '),
  ),
};
