/**
 * Reading the citizen's words (commands, yes/no, a choice among options) and building the assistant's replies
 * (text in the turn's language, quick replies, cards, the menu of procedures).
 */
import type { Language } from '../../../../shared/languages.ts';
import { PROCEDURE_INTENTS } from '../../../../shared/procedures.ts';
import { hasKey, t } from '../../../i18n.ts';
import { foldText } from '../../nlu/index.ts';
import type { TenantProfile } from '../../tenants/index.ts';
import type { Card, NluParse, QuickReply, Reply } from '../assistant.ports.ts';
import type { StepOption, Turn, TurnInput } from './dialog.types.ts';

/** Folded, punctuation as spaces: "Cancel·la!" -> "cancel la". */
export function simplify(text: string): string {
  return foldText(text).replace(/[^a-z0-9ñç]+/g, ' ').trim();
}

/** How many words a message has once simplified. */
export function wordCount(text: string): number {
  return simplify(text).split(' ').filter(Boolean).length;
}

const COMMANDS = {
  cancel: ['cancelar', 'cancela', 'cancel', 'cancel la', 'cancellar', 'dejalo', 'deixa ho', 'para', 'stop'],
  restart: ['empezar de nuevo', 'empieza de nuevo', 'volver a empezar', 'de nuevo', 'tornar a comencar', 'torna a comencar', 'comencar de nou', 'start again', 'start over', 'restart'],
  back: ['atras', 'volver atras', 'vuelve atras', 'ir atras', 'arrere', 'tornar arrere', 'enrere', 'tornar enrere', 'go back', 'back'],
} as const satisfies Record<string, readonly string[]>;
export type Command = keyof typeof COMMANDS;
const COMMAND_NAMES = Object.keys(COMMANDS) as readonly string[];

export function isCommand(name: string): name is Command {
  return COMMAND_NAMES.includes(name);
}

/** A whole message that is one of the global commands, in any of the three languages. */
export function commandOf(text: string): Command | undefined {
  const s = simplify(text);
  return (['cancel', 'restart', 'back'] as const).find((c) => (COMMANDS[c] as readonly string[]).includes(s));
}

const YES = ['si', 'sí', 'vale', 'ok', 'okay', 'yes', 'yeah', 'confirmo', 'confirmar', 'de acuerdo', 'd acord', 'dacord', 'correcto', 'claro', 'sure', 'please', 'adelante', 'endavant', 'perfecto', 'exacto'];
const NO = ['no', 'nope', 'no gracias', 'no gracies', 'no thanks', 'negativo', 'mejor no', 'millor no'];

export function yesNoOf(input: TurnInput, parse: NluParse | undefined): 'yes' | 'no' | undefined {
  if (input.action === 'yes' || input.action === 'no') return input.action;
  if (!input.text) return undefined;
  const s = simplify(input.text);
  if (YES.includes(s)) return 'yes';
  if (NO.includes(s)) return 'no';
  const e = parse?.entities.find((x) => x.type === 'yes_no');
  // Only short answers: "no, I want another day" is not a plain no.
  if (e && s.split(' ').length <= 3) return e.value === 'yes' ? 'yes' : 'no';
  return undefined;
}

/** Picks one of the offered options from a typed answer: its number ("2"), or words of its label. */
export function matchOption(input: TurnInput, options: readonly StepOption[]): string | undefined {
  if (input.action?.startsWith('val:')) {
    const v = input.action.slice(4);
    return options.some((o) => o.value === v) ? v : undefined;
  }
  if (!input.text) return undefined;
  const s = simplify(input.text);
  const n = Number(s);
  if (Number.isInteger(n) && n >= 1 && n <= options.length) return options[n - 1]?.value;
  const words = new Set(s.split(' ').filter((w) => w.length >= 4));
  let best: { value: string; score: number } | undefined;
  for (const o of options) {
    const labelWords = new Set(o.labels.flatMap((l) => simplify(l).split(' ')).filter((w) => w.length >= 4));
    let score = 0;
    for (const w of words) if (labelWords.has(w) || [...labelWords].some((l) => l.startsWith(w) || w.startsWith(l))) score++;
    if (score > 0 && (!best || score > best.score)) best = { value: o.value, score };
  }
  return best?.value;
}

// ---- replies ----

export const text = (s: string, easyRead?: string): Reply => (easyRead ? { type: 'text', text: s, easyRead } : { type: 'text', text: s });
export const quick = (options: QuickReply[]): Reply => ({ type: 'quick_replies', options });
export const card = (c: Card): Reply => ({ type: 'card', card: c });

/** A message of the assistant catalogue in the turn's language. */
export function tr(turn: Turn, key: string, params?: Record<string, unknown>): string {
  return t(turn.lang, `assistant:${key}`, params);
}

export function say(turn: Turn, key: string, params?: Record<string, unknown>): void {
  turn.replies.push(text(tr(turn, key, params)));
}

/** A procedure's or council intent's name for buttons; a council's own intent shows its name. */
export function intentLabel(turn: Turn, name: string): string {
  return hasKey(turn.lang, `assistant:intent.${name}`) ? tr(turn, `intent.${name}`) : name;
}

/** The procedures the council offers, and a person, as quick replies. */
export function menuOptions(tenant: TenantProfile, lang: Language): QuickReply[] {
  const offered = PROCEDURE_INTENTS.filter((i) => tenant.procedures.includes(i));
  return [...offered.map((i) => ({ label: t(lang, `assistant:intent.${i}`), payload: `intent:${i}` })), { label: t(lang, 'assistant:intent.handoff.human'), payload: 'handoff' }];
}

export function pushMenu(turn: Turn): void {
  turn.replies.push(quick(menuOptions(turn.ctx.tenant, turn.lang)));
}

export function pushYesNo(turn: Turn): void {
  turn.replies.push(quick([{ label: tr(turn, 'yes_confirm'), payload: 'yes' }, { label: tr(turn, 'no_cancel'), payload: 'no' }]));
}
