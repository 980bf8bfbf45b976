/**
 * A minimal stand-in for the moderation module, used only while that module is not wired: it redacts the
 * personal data the transcripts must never hold and catches the unmistakable crisis and abuse phrases.
 * The real module (issue 3 item 6) replaces it in the registry through the same ModerationPort.
 */
import { foldText } from '../nlu/index.ts';
import type { ModerationPort, ModerationVerdict } from './assistant.ports.ts';

const REDACTIONS: readonly [RegExp, string][] = [
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '[EMAIL]'],
  [/\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){4,7}\b/gi, '[IBAN]'],
  [/\b(?:\d[ -]?){13,19}\b/g, '[CARD]'],
  [/\b[XYZ][ -]?\d{7}[ -]?[A-Z]\b/gi, '[NIE]'],
  [/\b\d{8}[ -]?[A-Z]\b/gi, '[DNI]'],
  [/(?:\+34[ -]?)?\b[6789]\d{2}[ -]?\d{3}[ -]?\d{3}\b/g, '[PHONE]'],
];

/** Replaces e-mails, IBANs, card numbers, NIEs, DNIs and Spanish phone numbers with placeholders. */
export function redactPersonalData(text: string): string {
  let out = text;
  for (const [re, placeholder] of REDACTIONS) out = out.replace(re, placeholder);
  return out;
}

// Folded (lowercase, no accents) phrases; whole-word matches only.
const CRISIS = [
  'me quiero matar', 'quiero morir', 'quiero morirme', 'suicidarme', 'suicidio', 'quitarme la vida', 'hacerme dano',
  'em vull matar', 'vull morir', 'suicidar-me', 'llevar-me la vida',
  'kill myself', 'want to die', 'suicide', 'end my life', 'hurt myself',
  'me estan pegando', 'me van a matar', 'socorro', 'incendio', 'ataque al corazon', 'emergencia',
  'em peguen', 'auxili', 'incendi', 'emergencia medica',
  'emergency', 'heart attack', 'someone is hurting me', 'help me please',
];
const ABUSE = [
  'idiota', 'imbecil', 'gilipollas', 'estupido', 'estupida', 'inutil', 'cabron', 'puta', 'mierda', 'joder',
  'merda', 'fill de puta', 'burro', 'collons',
  'idiot', 'stupid', 'moron', 'fuck', 'shit', 'useless bot', 'dumb',
];
const OUT_OF_SCOPE = [
  'abogado', 'demanda judicial', 'diagnostico', 'medicamento', 'a quien votar', 'partido politico', 'renta de la agencia tributaria', 'declaracion de la renta', 'pasaporte',
  'advocat', 'medicament', 'a qui votar', 'declaracio de la renda', 'passaport',
  'lawyer', 'legal advice', 'diagnosis', 'medicine', 'who should i vote', 'income tax return', 'passport',
];

function containsPhrase(folded: string, phrases: readonly string[]): boolean {
  const padded = ` ${folded.replace(/[^\p{L}\p{N}' -]+/gu, ' ').replace(/\s+/g, ' ')} `;
  return phrases.some((p) => padded.includes(` ${p} `));
}

/** The stand-in port: redaction plus phrase lists for crisis, abuse and out-of-scope requests. */
export const fallbackModeration: ModerationPort = {
  redact: redactPersonalData,
  moderate(text): ModerationVerdict {
    const folded = foldText(text);
    if (containsPhrase(folded, CRISIS)) return { kind: 'crisis' };
    if (containsPhrase(folded, ABUSE)) return { kind: 'abuse' };
    if (containsPhrase(folded, OUT_OF_SCOPE)) return { kind: 'out_of_scope' };
    return { kind: 'ok' };
  },
};
