/**
 * Extractive answers: picks the one to three sentences of a page that share the most (IDF-weighted) query
 * terms, in page order, so the answer is the council's own words and never invented text.
 */
import type { QueryTerm } from './knowledge.index.ts';
import { fold, sentences } from './knowledge.text.ts';

export interface Summary {
  sentences: string[];
  /** Share of the query's weight found in the chosen sentences, 0..1. */
  overlap: number;
}

/** Longest sentence we quote whole, in characters; longer ones are cut at a word boundary. */
const MAX_SENTENCE_CHARS = 320;

function termMatches(term: QueryTerm, ws: readonly string[]): boolean {
  // Snowball stems are prefixes of the words they come from (after accent folding), so a prefix test suffices.
  return term.lexemes.some((lex) => ws.some((w) => (lex.length >= 4 ? w.startsWith(lex) : w === lex)));
}

function cut(s: string): string {
  if (s.length <= MAX_SENTENCE_CHARS) return s;
  const head = s.slice(0, MAX_SENTENCE_CHARS);
  return `${head.slice(0, head.lastIndexOf(' ')).replace(/[,;:]$/, '')}…`;
}

/**
 * What kind of answer a question wants, from its wording in any of our languages, and word starts that mark
 * sentences giving that kind of answer (Spanish and Valencian pages).
 */
const CUES: { asks: RegExp; hints: readonly string[] }[] = [
  { asks: /\b(donde|on|where|que oficina|quina oficina)\b/, hints: ['sede', 'oficina', 'linea', 'presencial', 'registro', 'registre', 'direccion', 'calle', 'plaza', 'telefon', 'internet', 'web', 'seu', 'adreca'] },
  { asks: /\b(cuanto|cuanta|quant|quanta|how much|cost|price|precio|preu|tasa|taxa)\b/, hints: ['tasa', 'taxa', 'precio', 'preu', 'euro', 'gratuit', 'import', 'pago', 'pagament', 'tarifa', 'coste', 'cost'] },
  { asks: /\b(cuando|quan|when|que dia|quin dia|what day|plazo|termini|deadline|hasta)\b/, hints: ['plazo', 'termini', 'lunes', 'martes', 'miercoles', 'jueves', 'viernes', 'sabado', 'domingo', 'dilluns', 'dimarts', 'dimecres', 'dijous', 'divendres', 'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre', 'dias', 'mes', 'hora', 'desde', 'hasta', 'fecha'] },
  { asks: /\b(que necesito|que documentos|que papeles|documentacion|requisitos|what do i need|documents|requirements|que cal|que necessite|documentacio|requisits)\b/, hints: ['document', 'requisit', 'dni', 'nie', 'fotocopia', 'original', 'acreditar', 'aportar', 'presentar', 'justificante', 'solicitud'] },
  { asks: /\b(como|com|how)\b/, hints: ['solicit', 'presentar', 'sede', 'oficina', 'linea', 'tramit', 'cita', 'pedir', 'demanar'] },
];

export function answerHints(question: string): string[] {
  const q = fold(question);
  return CUES.filter((c) => c.asks.test(q)).flatMap((c) => c.hints);
}

export function wordsOf(text: string): string[] {
  return fold(text).split(/[^a-z0-9]+/).filter(Boolean);
}

/**
 * Chooses up to `max` sentences from `sections` (in page order) by query-term overlap; a section whose heading
 * matches lends its sentences a little weight. Falls back to the first sentence when nothing overlaps.
 */
export function summarize(sections: readonly { heading: string; body: string }[], terms: readonly QueryTerm[], max = 3, hints: readonly string[] = []): Summary {
  const weight = (t: QueryTerm) => (t.idf > 0 ? t.idf : 0.5);
  const totalWeight = terms.reduce((s, t) => s + weight(t), 0) || 1;
  const scored: { text: string; score: number; pos: number; covered: Set<number> }[] = [];
  let pos = 0;
  for (const section of sections) {
    const headingWords = wordsOf(section.heading);
    const headingBonus = terms.some((t) => termMatches(t, headingWords)) ? 0.3 : 0;
    for (const raw of sentences(section.body)) {
      const text = raw.replace(/^•\s*/, '');
      const ws = wordsOf(text);
      const covered = new Set<number>();
      terms.forEach((t, i) => {
        if (termMatches(t, ws)) covered.add(i);
      });
      let score = 0;
      for (const i of covered) score += weight(terms[i] as QueryTerm);
      // A sentence of the kind the question asks for (a place, a price, a day) beats one that only repeats the topic.
      const headingAndText = [...headingWords, ...ws];
      if (hints.length > 0 && hints.some((h) => headingAndText.some((w) => w.startsWith(h)))) score += totalWeight * 0.5;
      // Very short fragments ("a) En todos los casos") answer nothing on their own.
      const lengthFactor = ws.length < 5 ? 0.4 : 1;
      scored.push({ text, score: (score + (score > 0 ? headingBonus : 0)) * lengthFactor, pos: pos++, covered });
    }
  }
  if (scored.length === 0) return { sentences: [], overlap: 0 };
  const ranked = [...scored].sort((a, b) => b.score - a.score || a.pos - b.pos);
  const chosen: typeof scored = [];
  const coveredAll = new Set<number>();
  for (const s of ranked) {
    if (chosen.length >= max || s.score <= 0) break;
    // A second or third sentence must add something: a new term, or strong overlap of its own.
    // Two sentences read better than one; a third must add a term of its own.
    const addsTerm = [...s.covered].some((i) => !coveredAll.has(i));
    if (chosen.length >= 2 && !addsTerm) continue;
    chosen.push(s);
    for (const i of s.covered) coveredAll.add(i);
  }
  if (chosen.length === 0) {
    // Nothing overlaps: the page's first sentence usually says what the procedure is.
    const first = scored[0];
    if (first) chosen.push(first);
  }
  chosen.sort((a, b) => a.pos - b.pos);
  let coveredWeight = 0;
  for (const i of coveredAll) coveredWeight += weight(terms[i] as QueryTerm);
  return { sentences: chosen.map((s) => cut(s.text)), overlap: Math.min(1, coveredWeight / totalWeight) };
}

/** The best sentence of a chunk for a source snippet (at most ~200 characters). */
export function snippetOf(body: string, terms: readonly QueryTerm[]): string {
  const s = summarize([{ heading: '', body }], terms, 1).sentences[0] ?? body;
  return s.length > 200 ? `${s.slice(0, 200).replace(/\s+\S*$/, '')}…` : s;
}
