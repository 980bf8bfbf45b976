/**
 * Normalisation for moderation: citizens write without accents, stretch letters for emphasis ("idiotaaa"),
 * swap letters for digits ("1d10t4") or mask them ("p*ta"), and mix languages. Every token keeps the forms
 * a lexicon entry may be compared with.
 */

/** One token of the message with the spellings worth comparing. */
export interface Token {
  /** Distinct spellings: runs of 3+ letters collapsed to one ("idiotaaa" -> "idiota") and to two ("killl" -> "kill"). */
  forms: string[];
  /** Set when the citizen masked letters with "*" ("p*ta", "f**k"): matched as a pattern against lexicon words. */
  mask?: RegExp;
}

// Digits and symbols read as letters when they sit inside a word ("1d10t4", "@sshole", "$hit").
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/**
 * Lowercase without diacritics; "l·l" becomes "ll". Pronouns written after a verb join it, as Spanish
 * writes them ("morir-me", "matar-me" -> "morirme"; "ensenya'm" -> "ensenyam"), and so do English
 * contractions ("don't" -> "dont", "doctor's" -> "doctors"). Apostrophes before a word still split it
 * ("m'ha" -> "m ha", "l'atur" -> "l atur").
 */
export function foldForModeration(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/l[·.•]l/g, 'll')
    .replace(/([a-z])-(me|te|se|nos|vos|los|les|la|lo|li|ne)(?![a-z])/g, '$1$2')
    .replace(/([a-z])['’](t|s|m|re|ve|ll|d|ns|ls)(?![a-z])/g, '$1$2');
}

function collapseRuns(word: string, keep: 1 | 2): string {
  return word.replace(/([a-z])\1{2,}/g, keep === 1 ? '$1' : '$1$1');
}

/** Tokens of a message, ready for lexicon matching. E-mail addresses and web links are dropped first. */
export function moderationTokens(text: string): Token[] {
  const folded = foldForModeration(text)
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' ')
    .replace(/\bhttps?:\/\/\S+|\bwww\.\S+/g, ' ');
  const out: Token[] = [];
  for (const m of folded.matchAll(/[a-z0-9@$*]+/g)) {
    let raw = m[0];
    const hasLetter = /[a-z]/.test(raw);
    if (!hasLetter && !raw.includes('*')) {
      // Numbers carry no moderation meaning but keep their place so phrases do not join across them.
      out.push({ forms: [raw] });
      continue;
    }
    // Digits that never stand for letters (2, 6, 8, 9) mark a code or an identity number, not leetspeak.
    if (hasLetter && /[013457@$]/.test(raw) && !/[2689]/.test(raw)) raw = raw.replace(/[013457@$]/g, (c) => LEET[c] ?? c);
    raw = raw.replace(/[^a-z*]/g, '');
    if (!raw || /^\*+$/.test(raw)) continue;
    if (raw.includes('*')) {
      const source = collapseRuns(raw.replace(/\*+$/, '*'), 2)
        .split('*')
        .join('[a-z]{1,3}');
      out.push({ forms: [raw.replace(/\*/g, '')], mask: new RegExp(`^${source}$`) });
      continue;
    }
    const one = collapseRuns(raw, 1);
    const two = collapseRuns(raw, 2);
    out.push({ forms: one === two ? [one] : [one, two] });
  }
  return out;
}

/** Damerau-Levenshtein distance capped at `max + 1` (only "is it within one typo" is ever asked). */
export function editDistance(a: string, b: string, max = 1): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(v);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? max + 1;
}

/**
 * True when `a` and `b` differ by at most one insertion, deletion, substitution or swap of adjacent
 * letters. Linear and allocation-free: it runs for every word of every message against the lexicons.
 */
export function isWithinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  // Any single edit leaves the first letters equal or shifted by one: a cheap, lossless early exit.
  const a0 = a.charCodeAt(0);
  const b0 = b.charCodeAt(0);
  if (a0 !== b0 && a.charCodeAt(1) !== b.charCodeAt(1) && a0 !== b.charCodeAt(1) && a.charCodeAt(1) !== b0) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // Substitution: the rest after i must be equal; swap: the next two letters are crossed.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  // One longer than the other: skipping one letter of the longer makes them equal.
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
