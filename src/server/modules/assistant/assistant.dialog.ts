/**
 * The dialog manager: one citizen turn in, structured replies and the next state out. Free of Fastify and
 * of SQL; the service loads and stores the state around it. Order of a turn: moderation, language, global
 * commands (cancel / start again / go back), a pending question (disambiguation, topic switch, offer of a
 * person), the active procedure's slot, then the intent of a fresh request.
 */
import type { Language } from '../../../shared/languages.ts';
import { AppError } from '../../errors.ts';
import { hasKey, t } from '../../i18n.ts';
import { foldText } from '../nlu/index.ts';
import { localize, type TenantProfile } from '../tenants/index.ts';
import type {
  AskPort,
  Card,
  HandoffReason,
  ModerationPort,
  NluParse,
  NluPort,
  ProcedureCtx,
  ProcedurePorts,
  QuickReply,
  Reply,
} from './assistant.ports.ts';

export const PROCEDURE_INTENTS = ['certificate.padron', 'appointment.book', 'appointment.manage', 'tax.pay', 'fine.pay', 'filing.generic', 'filing.status'] as const;
export type ProcedureIntent = (typeof PROCEDURE_INTENTS)[number];
const isProcedureIntent = (x: string): x is ProcedureIntent => (PROCEDURE_INTENTS as readonly string[]).includes(x);

/** Below this intent confidence (0..1) a fresh request counts as not understood. */
export const MISUNDERSTOOD_BELOW = 0.45;
/** When the top two intents are closer than this (and the second is at least SECOND_MIN), ask which one. */
export const DISAMBIGUATION_MARGIN = 0.25;
const SECOND_MIN = 0.2;
/** A different procedure this sure, typed mid-dialog, is a topic switch rather than an answer. */
export const TOPIC_SWITCH_MIN = 0.85;
/** The conversation changes language only on clear evidence: this identification confidence and 3+ words. */
export const LANGUAGE_SWITCH_MIN = 0.9;
const MAX_SLOTS_OFFERED = 3;
const MAX_LIST = 5;

type SlotValue = string | number | boolean | null;
type Slots = Record<string, SlotValue>;

export interface ActiveProcedure {
  intent: ProcedureIntent;
  step: string;
  slots: Slots;
  /** Earlier (step, slots) pairs, for "go back". */
  history: { step: string; slots: Slots }[];
}

export type Pending =
  | { kind: 'disambiguate'; options: string[] }
  | { kind: 'switch'; to: ProcedureIntent }
  | { kind: 'handoff_offer' };

export interface DialogState {
  misunderstandings: number;
  /** Abusive messages so far: moderation answers the second with a warning and the third ends the chat. */
  abuseCount?: number;
  active?: ActiveProcedure | undefined;
  pending?: Pending | undefined;
}

export const initialState = (): DialogState => ({ misunderstandings: 0 });

export interface TurnInput {
  text?: string | undefined;
  /** A quick-reply payload. */
  action?: string | undefined;
}

export interface TurnContext {
  tenant: TenantProfile;
  conversationId: string;
  /** The conversation's language before this turn. */
  lang: Language;
  citizen?: { dni: string; givenName: string } | undefined;
  proc: Omit<ProcedureCtx, 'lang'>;
  now: Date;
}

export interface TurnOutcome {
  replies: Reply[];
  lang: Language;
  state: DialogState;
  /** Set when the turn asked for a person. */
  handoff?: HandoffReason | undefined;
  /** The NLU reading of a typed message (stored with the turn, types of entities only). */
  parse?: NluParse | undefined;
  isMisunderstood: boolean;
  /** The intent the turn was handled as, for analytics. */
  handledAs: string;
  /** False when the assistant could not help (not understood, not available, moderation, hand-off). */
  isResolved: boolean;
}

export interface DialogDeps {
  nlu: NluPort;
  moderation: ModerationPort;
  ask?: AskPort | undefined;
  procedures: ProcedurePorts;
}

// ---- small helpers -----------------------------------------------------------------------------------

/** The filing form with the dialog's department, subject and text filled in (a long text is left for the form). */
function filingFormUrl(slots: Slots): string {
  const q = new URLSearchParams();
  for (const k of ['departmentId', 'subject', 'body'] as const) {
    const v = slots[k];
    if (typeof v === 'string' && v && (k !== 'body' || v.length <= 1500)) q.set(k, v);
  }
  return `/procedures/filing?${q.toString()}`;
}

/** Folded, punctuation as spaces: "Cancel·la!" -> "cancel la". */
function simplify(text: string): string {
  return foldText(text).replace(/[^a-z0-9ñç]+/g, ' ').trim();
}

const COMMANDS: Record<'cancel' | 'restart' | 'back', readonly string[]> = {
  cancel: ['cancelar', 'cancela', 'cancel', 'cancel la', 'cancellar', 'dejalo', 'deixa ho', 'para', 'stop'],
  restart: ['empezar de nuevo', 'empieza de nuevo', 'volver a empezar', 'de nuevo', 'tornar a comencar', 'torna a comencar', 'comencar de nou', 'start again', 'start over', 'restart'],
  back: ['atras', 'volver atras', 'vuelve atras', 'ir atras', 'arrere', 'tornar arrere', 'enrere', 'tornar enrere', 'go back', 'back'],
};
type Command = keyof typeof COMMANDS;

function commandOf(text: string): Command | undefined {
  const s = simplify(text);
  for (const c of Object.keys(COMMANDS) as Command[]) if (COMMANDS[c].includes(s)) return c;
  return undefined;
}

const YES = ['si', 'sí', 'vale', 'ok', 'okay', 'yes', 'yeah', 'confirmo', 'confirmar', 'de acuerdo', 'd acord', 'dacord', 'correcto', 'claro', 'sure', 'please', 'adelante', 'endavant', 'perfecto', 'exacto'];
const NO = ['no', 'nope', 'no gracias', 'no gracies', 'no thanks', 'negativo', 'mejor no', 'millor no'];

function yesNoOf(input: TurnInput, parse: NluParse | undefined): 'yes' | 'no' | undefined {
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

function localeOf(lang: Language): string {
  return lang === 'ca' ? 'ca-ES' : lang === 'en' ? 'en-GB' : 'es-ES';
}

/** Money in the citizen's language, from integer cents. */
export function formatMoney(cents: number, lang: Language): string {
  return new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** A local date (YYYY-MM-DD) as "jueves, 3 de diciembre". */
export function formatLocalDate(date: string, lang: Language): string {
  const d = new Date(`${date}T12:00:00Z`);
  return new Intl.DateTimeFormat(localeOf(lang), { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(d);
}

function localDateOf(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

const text = (s: string, easyRead?: string): Reply => (easyRead ? { type: 'text', text: s, easyRead } : { type: 'text', text: s });
const quick = (options: QuickReply[]): Reply => ({ type: 'quick_replies', options });
const card = (c: Card): Reply => ({ type: 'card', card: c });

function str(v: SlotValue | undefined): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** Picks one of the offered options from a typed answer: its number ("2"), or words of its label. */
function matchOption(input: TurnInput, options: { value: string; labels: string[] }[]): string | undefined {
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

// ---- the manager ---------------------------------------------------------------------------------------

interface Turn {
  input: TurnInput;
  ctx: TurnContext;
  lang: Language;
  parse: NluParse | undefined;
  state: DialogState;
  replies: Reply[];
  handoff?: HandoffReason | undefined;
  isMisunderstood: boolean;
  handledAs: string;
  isResolved: boolean;
}

export class DialogManager {
  constructor(private readonly deps: DialogDeps) {}

  /** The greeting of a new conversation. */
  welcome(tenant: TenantProfile, lang: Language): Reply[] {
    const council = localize(tenant.names, lang, tenant);
    return [text(t(lang, 'assistant:welcome', { council }), t(lang, 'assistant:welcome_easy')), quick(this.menu(tenant, lang))];
  }

  /** Handles one citizen turn. */
  async handle(input: TurnInput, ctx: TurnContext, state: DialogState): Promise<TurnOutcome> {
    const turn: Turn = { input, ctx, lang: ctx.lang, parse: undefined, state: structuredClone(state), replies: [], isMisunderstood: false, handledAs: 'action', isResolved: true };
    await this.run(turn);
    return { replies: turn.replies, lang: turn.lang, state: turn.state, handoff: turn.handoff, parse: turn.parse, isMisunderstood: turn.isMisunderstood, handledAs: turn.handledAs, isResolved: turn.isResolved };
  }

  private tr(turn: Turn, key: string, params?: Record<string, unknown>): string {
    return t(turn.lang, `assistant:${key}`, params);
  }

  /** A procedure's or council intent's name for buttons; a council's own intent shows its name. */
  private intentLabel(turn: Turn, name: string): string {
    return hasKey(turn.lang, `assistant:intent.${name}`) ? this.tr(turn, `intent.${name}`) : name;
  }

  private say(turn: Turn, key: string, params?: Record<string, unknown>): void {
    turn.replies.push(text(this.tr(turn, key, params)));
  }

  private menu(tenant: TenantProfile, lang: Language): QuickReply[] {
    const offered = PROCEDURE_INTENTS.filter((i) => tenant.procedures.includes(i));
    return [...offered.map((i) => ({ label: t(lang, `assistant:intent.${i}`), payload: `intent:${i}` })), { label: t(lang, 'assistant:intent.handoff.human'), payload: 'handoff' }];
  }

  private async run(turn: Turn): Promise<void> {
    const { input, ctx } = turn;
    if (input.action !== undefined) {
      await this.runAction(turn, input.action);
      return;
    }
    const raw = (input.text ?? '').trim();
    if (!raw) {
      this.say(turn, 'empty');
      return;
    }

    // Moderation first, in the conversation's language (the parse below may switch it).
    const verdict = await this.deps.moderation.moderate(raw, { lang: turn.lang, previousAbuse: turn.state.abuseCount ?? 0, ineCode: ctx.tenant.ineCode });
    const parse = this.deps.nlu.parse({ text: raw, tenantId: ctx.tenant.id, conversationLang: turn.lang, now: ctx.now });
    turn.parse = parse;
    turn.handledAs = parse.intent.name;
    this.maybeSwitchLanguage(turn, raw, parse);
    if (verdict.kind !== 'ok') {
      turn.isResolved = false;
      turn.handledAs = `moderation.${verdict.kind}`;
      if (verdict.kind === 'crisis') {
        turn.replies.push(text(verdict.reply ?? this.tr(turn, 'crisis'), verdict.easyRead ?? this.tr(turn, 'crisis_easy')));
        // A person is called at once, not merely offered: the emergency numbers come first, then the queue.
        await this.requestHandoff(turn, 'crisis');
        turn.handledAs = 'moderation.crisis';
      } else if (verdict.kind === 'abuse') {
        turn.state.abuseCount = (turn.state.abuseCount ?? 0) + 1;
        turn.replies.push(text(verdict.reply ?? this.tr(turn, 'abuse')));
      } else {
        turn.replies.push(text(verdict.reply ?? this.tr(turn, 'out_of_scope', { phone: ctx.tenant.contact.phone ?? '010' })));
      }
      return;
    }

    const command = commandOf(raw);
    if (command) {
      await this.runCommand(turn, command);
      return;
    }

    const pending = turn.state.pending;
    if (pending && (await this.runPending(turn, pending))) return;

    const active = turn.state.active;
    if (active) {
      const top = parse.intent;
      const answer = await this.stepAnswerKind(turn, active);
      const isOtherProcedure = isProcedureIntent(top.name) && top.name !== active.intent && top.confidence >= TOPIC_SWITCH_MIN;
      if (answer !== 'strong' && isOtherProcedure && isProcedureIntent(top.name)) {
        // A clear new request: switch at once when nothing was chosen yet and the words answer nothing here; else ask.
        const hasChosen = active.history.some((h) => h.step !== 'start' && h.step !== 'signin');
        if (!hasChosen && answer === 'none') {
          turn.state.active = undefined;
          await this.startProcedure(turn, top.name, parse);
        } else {
          turn.state.pending = { kind: 'switch', to: top.name };
          this.say(turn, 'switch_ask', { current: this.tr(turn, `intent.${active.intent}`), next: this.tr(turn, `intent.${top.name}`) });
          turn.replies.push(quick([
            { label: this.tr(turn, 'switch_yes', { next: this.tr(turn, `intent.${top.name}`) }), payload: 'switch:yes' },
            { label: this.tr(turn, 'switch_no', { current: this.tr(turn, `intent.${active.intent}`) }), payload: 'switch:no' },
          ]));
        }
        return;
      }
      if (answer === 'none' && top.name === 'handoff.human' && top.confidence >= TOPIC_SWITCH_MIN) {
        await this.requestHandoff(turn, 'asked');
        return;
      }
      turn.handledAs = active.intent;
      await this.step(turn, active);
      return;
    }

    await this.fresh(turn, parse);
  }

  private maybeSwitchLanguage(turn: Turn, raw: string, parse: NluParse): void {
    const words = simplify(raw).split(' ').filter(Boolean).length;
    const code = parse.language.code;
    if (code !== turn.lang && turn.ctx.tenant.languages.includes(code) && parse.language.confidence >= LANGUAGE_SWITCH_MIN && words >= 3) {
      turn.lang = code;
    }
  }

  private async runAction(turn: Turn, action: string): Promise<void> {
    if (action === 'cmd:cancel' || action === 'cmd:restart' || action === 'cmd:back') {
      await this.runCommand(turn, action.slice(4) as Command);
      return;
    }
    if (action === 'handoff') {
      turn.state.pending = undefined;
      await this.requestHandoff(turn, turn.state.misunderstandings >= 2 ? 'misunderstood' : 'asked');
      return;
    }
    if (action.startsWith('intent:')) {
      const name = action.slice(7);
      turn.state.pending = undefined;
      turn.state.active = undefined;
      turn.handledAs = name;
      await this.startIntent(turn, name, undefined);
      return;
    }
    const pending = turn.state.pending;
    if (pending && (await this.runPending(turn, pending))) return;
    const active = turn.state.active;
    if (active) {
      turn.handledAs = active.intent;
      await this.step(turn, active);
      return;
    }
    this.say(turn, 'what_now');
    turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
  }

  private async runCommand(turn: Turn, command: Command): Promise<void> {
    turn.handledAs = `command.${command}`;
    const active = turn.state.active;
    turn.state.pending = undefined;
    if (command === 'cancel') {
      turn.state.active = undefined;
      this.say(turn, active ? 'cancelled' : 'nothing_to_cancel');
      turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
      return;
    }
    if (command === 'restart') {
      turn.state = initialState();
      this.say(turn, 'restarted');
      turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
      return;
    }
    // back
    const previous = active?.history.pop();
    if (!active || !previous) {
      this.say(turn, 'cannot_go_back');
      if (active) await this.prompt(turn, active);
      else turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
      return;
    }
    active.step = previous.step;
    active.slots = previous.slots;
    this.say(turn, 'went_back');
    await this.prompt(turn, active);
  }

  /** Returns true when the turn answered the pending question. */
  private async runPending(turn: Turn, pending: Pending): Promise<boolean> {
    const yn = yesNoOf(turn.input, turn.parse);
    switch (pending.kind) {
      case 'disambiguate': {
        const chosen = matchOption(turn.input, pending.options.map((o) => ({ value: o, labels: [this.intentLabel(turn, o)] })));
        const fromIntent = turn.parse && pending.options.includes(turn.parse.intent.name) && turn.parse.intent.confidence >= 0.6 ? turn.parse.intent.name : undefined;
        const pick = chosen ?? fromIntent;
        turn.state.pending = undefined;
        if (!pick) return false;
        turn.handledAs = pick;
        await this.startIntent(turn, pick, turn.parse);
        return true;
      }
      case 'switch': {
        if (turn.input.action === 'switch:yes' || yn === 'yes') {
          turn.state.pending = undefined;
          turn.state.active = undefined;
          turn.handledAs = pending.to;
          await this.startProcedure(turn, pending.to);
          return true;
        }
        if (turn.input.action === 'switch:no' || yn === 'no') {
          turn.state.pending = undefined;
          const active = turn.state.active;
          this.say(turn, 'switch_stay');
          if (active) await this.prompt(turn, active);
          return true;
        }
        turn.state.pending = undefined;
        return false;
      }
      case 'handoff_offer': {
        turn.state.pending = undefined;
        if (yn === 'yes') {
          await this.requestHandoff(turn, 'misunderstood');
          return true;
        }
        if (yn === 'no') {
          turn.state.misunderstandings = 0;
          this.say(turn, 'handoff_declined');
          turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
          return true;
        }
        return false;
      }
    }
  }

  /** A fresh request (no procedure under way). */
  private async fresh(turn: Turn, parse: NluParse): Promise<void> {
    const [second] = parse.alternatives;
    const top = parse.intent;
    const isActionable = (n: string) => isProcedureIntent(n) || n === 'question' || n === 'handoff.human' || this.isCustomIntent(turn, n);
    if (second && isActionable(top.name) && isActionable(second.name) && second.confidence >= SECOND_MIN && top.confidence - second.confidence < DISAMBIGUATION_MARGIN) {
      const options = [top.name, second.name];
      turn.state.pending = { kind: 'disambiguate', options };
      turn.handledAs = 'disambiguation';
      this.say(turn, 'disambiguate');
      turn.replies.push(quick(options.map((o) => ({ label: this.intentLabel(turn, o), payload: `intent:${o}` }))));
      return;
    }
    if (top.confidence < MISUNDERSTOOD_BELOW) {
      await this.misunderstood(turn);
      return;
    }
    await this.startIntent(turn, top.name, parse);
  }

  private isCustomIntent(turn: Turn, name: string): boolean {
    return turn.ctx.tenant.intents.some((i) => i.name === name);
  }

  private async misunderstood(turn: Turn): Promise<void> {
    turn.isMisunderstood = true;
    turn.isResolved = false;
    turn.handledAs = 'misunderstood';
    turn.state.misunderstandings += 1;
    if (turn.state.misunderstandings >= 2) {
      turn.state.pending = { kind: 'handoff_offer' };
      this.say(turn, 'offer_person');
      turn.replies.push(quick([
        { label: this.tr(turn, 'offer_person_yes'), payload: 'handoff' },
        { label: this.tr(turn, 'offer_person_no'), payload: 'no' },
      ]));
      return;
    }
    this.say(turn, 'not_understood');
    turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
  }

  private async startIntent(turn: Turn, name: string, parse: NluParse | undefined): Promise<void> {
    turn.state.misunderstandings = 0;
    if (isProcedureIntent(name)) {
      await this.startProcedure(turn, name, parse);
      return;
    }
    switch (name) {
      case 'greeting':
        this.say(turn, 'greeting');
        turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
        return;
      case 'goodbye':
        this.say(turn, 'goodbye');
        return;
      case 'handoff.human':
        await this.requestHandoff(turn, 'asked');
        return;
      case 'question':
        await this.answerQuestion(turn);
        return;
      default: {
        const custom = this.deps.nlu.customAnswer?.(turn.ctx.tenant.id, name, turn.lang);
        if (custom) {
          turn.replies.push(text(custom.text));
          if (custom.link) turn.replies.push(card({ kind: 'link', title: this.tr(turn, 'more_info'), url: custom.link }));
          return;
        }
        await this.misunderstood(turn);
      }
    }
  }

  private async answerQuestion(turn: Turn): Promise<void> {
    const question = turn.input.text ?? '';
    if (!this.deps.ask) {
      turn.isResolved = false;
      this.say(turn, 'qa_unavailable');
      this.offerPerson(turn);
      return;
    }
    let answer;
    try {
      answer = await this.deps.ask.ask({ question, lang: turn.lang, tenantId: turn.ctx.tenant.id });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      turn.isResolved = false;
      this.say(turn, 'qa_unavailable');
      this.offerPerson(turn);
      return;
    }
    if (answer.handoffSuggested || answer.confidence < MISUNDERSTOOD_BELOW) {
      turn.isResolved = false;
      this.say(turn, 'dont_know');
      if (answer.sources.length > 0) turn.replies.push(this.sourcesCard(turn, answer.sources));
      this.offerPerson(turn);
      return;
    }
    turn.replies.push(text(answer.answer));
    if (answer.sources.length > 0) turn.replies.push(this.sourcesCard(turn, answer.sources));
  }

  private sourcesCard(turn: Turn, sources: { url: string; title: string }[]): Reply {
    return card({ kind: 'sources', title: this.tr(turn, 'sources'), links: sources.map((s) => ({ title: s.title, url: s.url })) });
  }

  private offerPerson(turn: Turn): void {
    turn.replies.push(quick([{ label: this.tr(turn, 'offer_person_yes'), payload: 'handoff' }]));
  }

  private async requestHandoff(turn: Turn, reason: HandoffReason): Promise<void> {
    turn.handoff = reason;
    turn.handledAs = 'handoff.human';
    turn.isResolved = false;
    turn.state.pending = undefined;
    turn.state.misunderstandings = 0;
    turn.replies.push(text(this.tr(turn, 'handoff_requested', { phone: turn.ctx.tenant.contact.phone ?? '010' }), this.tr(turn, 'handoff_requested_easy')));
  }

  // ---- procedures --------------------------------------------------------------------------------------

  private isAvailable(intent: ProcedureIntent): boolean {
    const p = this.deps.procedures;
    switch (intent) {
      case 'certificate.padron':
        return p.padronCertificates !== undefined;
      case 'appointment.book':
      case 'appointment.manage':
        return p.appointments !== undefined;
      case 'tax.pay':
      case 'fine.pay':
        return p.payments !== undefined;
      case 'filing.generic':
      case 'filing.status':
        return p.filings !== undefined;
    }
  }

  private async startProcedure(turn: Turn, intent: ProcedureIntent, parse?: NluParse): Promise<void> {
    turn.handledAs = intent;
    if (!turn.ctx.tenant.procedures.includes(intent) || !this.isAvailable(intent)) {
      turn.isResolved = false;
      turn.state.active = undefined;
      this.say(turn, 'not_available', { procedure: this.tr(turn, `intent.${intent}`) });
      turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
      return;
    }
    const active: ActiveProcedure = { intent, step: 'start', slots: {}, history: [] };
    turn.state.active = active;
    this.prefill(turn, active, parse);
    // Every procedure acts for a person: the registers are keyed by the signed-in citizen's DNI.
    if (!turn.ctx.citizen) {
      active.step = 'signin';
      await this.prompt(turn, active);
      return;
    }
    await this.afterSignin(turn, active);
  }

  /** Takes what the first message already said (office, date, a registry number). */
  private prefill(turn: Turn, active: ActiveProcedure, parse: NluParse | undefined): void {
    if (!parse) return;
    for (const e of parse.entities) {
      if (e.type === 'office' && typeof e.value === 'string') active.slots.officeId = e.value;
      if (e.type === 'date' && typeof e.value === 'string') active.slots.date = e.value;
      if (e.type === 'datetime' && typeof e.value === 'string') active.slots.date = localDateOf(new Date(e.value), turn.ctx.tenant.timeZone);
      if (e.type === 'time' && typeof e.value === 'string') active.slots.time = e.value;
    }
    const reg = /REG-\d{4}-\d{6}/i.exec(turn.input.text ?? '');
    if (reg) active.slots.registryNumber = reg[0].toUpperCase();
    if (active.intent === 'certificate.padron') {
      const kind = this.certificateKindOf(turn.input.text ?? '');
      if (kind) active.slots.kind = kind;
    }
  }

  /** Moves to `step`, remembering where we were for "go back". */
  private goTo(active: ActiveProcedure, step: string, patch: Slots = {}): void {
    active.history.push({ step: active.step, slots: { ...active.slots } });
    active.step = step;
    Object.assign(active.slots, patch);
  }

  private finish(turn: Turn): void {
    turn.state.active = undefined;
  }

  /**
   * How the typed message answers the active step: 'strong' (a yes/no at a confirmation, a date at the date step,
   * free text where free text is asked, an option's number, or a short reply naming an option), 'weak' (a longer
   * sentence that shares words with an option: it may be a new request) or 'none'.
   */
  private async stepAnswerKind(turn: Turn, active: ActiveProcedure): Promise<'strong' | 'weak' | 'none'> {
    const input = turn.input;
    if (active.step === 'confirm' && yesNoOf(input, turn.parse)) return 'strong';
    if (active.step === 'date' && turn.parse?.entities.some((e) => e.type === 'date' || e.type === 'datetime')) return 'strong';
    if (active.step === 'subject' || active.step === 'body') return 'strong';
    const matched = matchOption(input, await this.optionsFor(turn, active)) !== undefined;
    if (!matched) return 'none';
    const words = simplify(input.text ?? '').split(' ').filter(Boolean).length;
    return words <= 2 ? 'strong' : 'weak';
  }

  private async afterSignin(turn: Turn, active: ActiveProcedure): Promise<void> {
    switch (active.intent) {
      case 'certificate.padron':
        if (active.slots.kind) this.goTo(active, 'confirm');
        else this.goTo(active, 'kind');
        break;
      case 'appointment.book':
        await this.nextBookingStep(turn, active);
        return;
      case 'appointment.manage':
        await this.listAppointments(turn, active);
        return;
      case 'tax.pay':
      case 'fine.pay':
        await this.listDebts(turn, active);
        return;
      case 'filing.generic':
        this.goTo(active, 'department');
        break;
      case 'filing.status':
        await this.filingStatus(turn, active);
        return;
    }
    await this.prompt(turn, active);
  }

  /** Says what the current step needs, with its options. */
  private async prompt(turn: Turn, active: ActiveProcedure, isReprompt = false): Promise<void> {
    const opts = await this.optionsFor(turn, active);
    const replies = turn.replies;
    const key = (k: string) => (isReprompt ? `reprompt.${k}` : `ask.${k}`);
    switch (active.step) {
      case 'signin':
        this.say(turn, 'signin_needed', { procedure: this.tr(turn, `intent.${active.intent}`) });
        replies.push(card({ kind: 'signin', title: this.tr(turn, 'signin_title'), url: '/signin?next=/assistant' }));
        replies.push(quick([{ label: this.tr(turn, 'signin_done'), payload: 'val:signed-in' }, { label: this.tr(turn, 'cancel_label'), payload: 'cmd:cancel' }]));
        return;
      case 'confirm':
        this.say(turn, this.confirmKey(active), this.confirmParams(turn, active));
        // Documents cannot travel through the chat: before filing, offer the form with what was said already in it.
        if (active.intent === 'filing.generic') replies.push(card({ kind: 'form', title: this.tr(turn, 'card.attachments'), url: filingFormUrl(active.slots), text: this.tr(turn, 'card.attachments_text') }));
        replies.push(quick([{ label: this.tr(turn, 'yes_confirm'), payload: 'yes' }, { label: this.tr(turn, 'no_cancel'), payload: 'no' }]));
        return;
      case 'date':
        this.say(turn, key('date'));
        return;
      case 'subject':
        this.say(turn, key('subject'));
        return;
      case 'body':
        this.say(turn, key('body'));
        return;
      default:
        this.say(turn, key(active.step));
        if (opts.length > 0) replies.push(quick(opts.map((o) => ({ label: o.labels[0] ?? o.value, payload: `val:${o.value}` }))));
    }
  }

  private async optionsFor(turn: Turn, active: ActiveProcedure): Promise<{ value: string; labels: string[] }[]> {
    const tenant = turn.ctx.tenant;
    const lang = turn.lang;
    const names = (text: Parameters<typeof localize>[0]) => [localize(text, lang, tenant), ...Object.values(text ?? {}).filter((x): x is string => typeof x === 'string')];
    let opts: { value: string; labels: string[] }[];
    switch (active.step) {
      case 'signin':
        opts = [{ value: 'signed-in', labels: [this.tr(turn, 'signin_done')] }];
        break;
      case 'kind':
        opts = [
          { value: 'individual', labels: [this.tr(turn, 'kind.individual'), 'individual', 'solo yo', 'només jo', 'just me'] },
          { value: 'collective', labels: [this.tr(turn, 'kind.collective'), 'colectivo', 'col·lectiu', 'collective', 'familia', 'família', 'family', 'household', 'todos'] },
        ];
        break;
      case 'service':
        opts = tenant.appointmentServices.map((s) => ({ value: s.id, labels: names(s.names) }));
        break;
      case 'office': {
        const service = tenant.appointmentServices.find((s) => s.id === str(active.slots.serviceId));
        opts = (service?.offices ?? []).map((id) => ({ value: id, labels: [...names(tenant.offices.find((o) => o.id === id)?.names), ...(tenant.offices.find((o) => o.id === id)?.aliases ?? [])] }));
        break;
      }
      case 'department':
        opts = tenant.departments.map((d) => ({ value: d.id, labels: names(d.names) }));
        break;
      case 'slot':
      case 'pick':
      case 'debt':
        opts = (JSON.parse(str(active.slots.offered) ?? '[]') as { value: string; label: string }[]).map((o) => ({ value: o.value, labels: [o.label] }));
        break;
      case 'manage_action':
        opts = [
          { value: 'cancel', labels: [this.tr(turn, 'manage.cancel'), 'anular', 'anul·lar', 'borrar', 'quitar'] },
          { value: 'reschedule', labels: [this.tr(turn, 'manage.reschedule'), 'cambiar', 'canviar', 'change', 'mover', 'moure', 'otro dia', 'altre dia', 'another day'] },
        ];
        break;
      default:
        opts = [];
    }
    return opts;
  }

  private certificateKindOf(raw: string): 'individual' | 'collective' | undefined {
    const s = simplify(raw);
    if (/\b(colectiv|col lectiu|collectiu|collective|familia|family|household|convivencia|todos los que|tots els que)/.test(s)) return 'collective';
    if (/\bindividual\b/.test(s)) return 'individual';
    return undefined;
  }

  /** One answer to the active procedure's current step. */
  private async step(turn: Turn, active: ActiveProcedure): Promise<void> {
    const input = turn.input;
    const options = await this.optionsFor(turn, active);
    if (active.step === 'signin') {
      if (!turn.ctx.citizen) {
        await this.prompt(turn, active, true);
        return;
      }
      await this.afterSignin(turn, active);
      return;
    }
    if (active.step === 'confirm') {
      const yn = yesNoOf(input, turn.parse);
      if (yn === 'no') {
        this.finish(turn);
        this.say(turn, 'not_done');
        turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
        return;
      }
      if (yn !== 'yes') {
        this.say(turn, 'reprompt.confirm');
        turn.replies.push(quick([{ label: this.tr(turn, 'yes_confirm'), payload: 'yes' }, { label: this.tr(turn, 'no_cancel'), payload: 'no' }]));
        return;
      }
      if (!turn.ctx.citizen) {
        active.step = 'signin';
        await this.prompt(turn, active);
        return;
      }
      await this.perform(turn, active, turn.ctx.citizen.dni);
      return;
    }
    if (active.step === 'date') {
      const date = this.dateOf(turn);
      if (!date) {
        await this.prompt(turn, active, true);
        return;
      }
      active.slots.date = date;
      await this.offerSlots(turn, active);
      return;
    }
    if (active.step === 'subject' || active.step === 'body') {
      const value = (input.text ?? '').trim();
      const min = active.step === 'subject' ? 3 : 10;
      if (value.length < min) {
        await this.prompt(turn, active, true);
        return;
      }
      if (active.step === 'subject') this.goTo(active, 'body', { subject: value.slice(0, 200) });
      else this.goTo(active, 'confirm', { body: value.slice(0, 5000) });
      await this.prompt(turn, active);
      return;
    }
    let value = matchOption(input, options);
    if (active.step === 'slot' && !value) value = this.slotByTime(turn, active);
    if (!value) {
      if (active.step === 'slot' && this.dateOf(turn)) {
        active.slots.date = this.dateOf(turn) ?? null;
        await this.offerSlots(turn, active);
        return;
      }
      await this.prompt(turn, active, true);
      return;
    }
    switch (active.step) {
      case 'kind':
        this.goTo(active, 'confirm', { kind: value });
        await this.prompt(turn, active);
        return;
      case 'service':
        active.history.push({ step: active.step, slots: { ...active.slots } });
        active.slots.serviceId = value;
        await this.nextBookingStep(turn, active, true);
        return;
      case 'office':
        active.history.push({ step: active.step, slots: { ...active.slots } });
        active.slots.officeId = value;
        await this.nextBookingStep(turn, active, true);
        return;
      case 'slot': {
        const offered = JSON.parse(str(active.slots.offered) ?? '[]') as { value: string; label: string; officeId?: string }[];
        const chosen = offered.find((o) => o.value === value);
        this.goTo(active, 'confirm', { startsAt: value, slotLabel: chosen?.label ?? value, officeId: chosen?.officeId ?? str(active.slots.officeId) ?? null });
        await this.prompt(turn, active);
        return;
      }
      case 'pick': {
        const offered = JSON.parse(str(active.slots.offered) ?? '[]') as { value: string; label: string }[];
        const services = JSON.parse(str(active.slots.services) ?? '{}') as Record<string, { serviceId: string; officeId: string } | undefined>;
        this.goTo(active, 'manage_action', { appointmentId: value, appointmentLabel: offered.find((o) => o.value === value)?.label ?? '', serviceId: services[value]?.serviceId ?? null, officeId: services[value]?.officeId ?? null, date: null });
        await this.prompt(turn, active);
        return;
      }
      case 'manage_action':
        if (value === 'cancel') {
          this.goTo(active, 'confirm', { manageAction: 'cancel' });
          await this.prompt(turn, active);
        } else {
          this.goTo(active, 'date', { manageAction: 'reschedule' });
          await this.prompt(turn, active);
        }
        return;
      case 'debt': {
        const offered = JSON.parse(str(active.slots.offered) ?? '[]') as { value: string; label: string }[];
        this.goTo(active, 'confirm', { debtId: value, debtLabel: offered.find((o) => o.value === value)?.label ?? '' });
        await this.prompt(turn, active);
        return;
      }
      case 'department':
        this.goTo(active, 'subject', { departmentId: value });
        await this.prompt(turn, active);
        return;
      default:
        await this.prompt(turn, active, true);
    }
  }

  private dateOf(turn: Turn): string | undefined {
    if (turn.input.action === 'val:soonest') return localDateOf(turn.ctx.now, turn.ctx.tenant.timeZone);
    const e = turn.parse?.entities.find((x) => x.type === 'date' || x.type === 'datetime');
    if (!e || typeof e.value !== 'string') return undefined;
    if (e.type === 'datetime') {
      const time = turn.parse?.entities.find((x) => x.type === 'time');
      if (time && typeof time.value === 'string' && turn.state.active) turn.state.active.slots.time = time.value;
      return localDateOf(new Date(e.value), turn.ctx.tenant.timeZone);
    }
    const time = turn.parse?.entities.find((x) => x.type === 'time');
    if (time && typeof time.value === 'string' && turn.state.active) turn.state.active.slots.time = time.value;
    return e.value;
  }

  private slotByTime(turn: Turn, active: ActiveProcedure): string | undefined {
    const time = turn.parse?.entities.find((x) => x.type === 'time' || x.type === 'datetime');
    if (!time || typeof time.value !== 'string') return undefined;
    const hhmm = time.type === 'time' ? time.value : new Intl.DateTimeFormat('en-GB', { timeZone: turn.ctx.tenant.timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(time.value));
    const offered = JSON.parse(str(active.slots.offered) ?? '[]') as { value: string; time?: string }[];
    return offered.find((o) => o.time === hhmm)?.value;
  }

  // ---- appointment.book ----

  private async nextBookingStep(turn: Turn, active: ActiveProcedure, isAfterAnswer = false): Promise<void> {
    const tenant = turn.ctx.tenant;
    if (active.intent === 'appointment.book') {
      if (!str(active.slots.serviceId)) {
        const officeId = str(active.slots.officeId);
        const candidates = tenant.appointmentServices.filter((s) => !officeId || s.offices.includes(officeId));
        if (tenant.appointmentServices.length === 1 && candidates[0]) {
          active.slots.serviceId = candidates[0].id;
        } else {
          if (!isAfterAnswer) active.history.push({ step: active.step, slots: { ...active.slots } });
          active.step = 'service';
          await this.optionsFor(turn, active);
          await this.prompt(turn, active);
          return;
        }
      }
      const service = tenant.appointmentServices.find((s) => s.id === str(active.slots.serviceId));
      const officeId = str(active.slots.officeId);
      if (!service) {
        this.finish(turn);
        this.say(turn, 'error');
        return;
      }
      if (!officeId || !service.offices.includes(officeId)) {
        if (service.offices.length === 1) {
          active.slots.officeId = service.offices[0] ?? null;
        } else {
          active.slots.officeId = null;
          if (active.step !== 'service' || !isAfterAnswer) active.history.push({ step: active.step, slots: { ...active.slots } });
          active.step = 'office';
          await this.optionsFor(turn, active);
          await this.prompt(turn, active);
          return;
        }
      }
    }
    if (!str(active.slots.date)) {
      if (!isAfterAnswer) active.history.push({ step: active.step, slots: { ...active.slots } });
      active.step = 'date';
      await this.prompt(turn, active);
      turn.replies.push(quick([{ label: this.tr(turn, 'soonest'), payload: 'val:soonest' }]));
      return;
    }
    await this.offerSlots(turn, active);
  }

  private async offerSlots(turn: Turn, active: ActiveProcedure): Promise<void> {
    const appointments = this.deps.procedures.appointments;
    const serviceId = str(active.slots.serviceId);
    const date = str(active.slots.date);
    if (!appointments || !serviceId || !date) {
      this.finish(turn);
      this.say(turn, 'error');
      return;
    }
    const officeId = str(active.slots.officeId);
    let days = await appointments.availability(turn.ctx.tenant.id, { serviceId, officeId, from: date, days: 1 });
    let free = days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => ({ ...s, officeId: d.officeId, date: d.date })));
    let note: string | undefined;
    if (free.length === 0) {
      days = await appointments.availability(turn.ctx.tenant.id, { serviceId, officeId, from: date, days: 21 });
      const firstDay = days.find((d) => d.slots.some((s) => s.free > 0));
      free = firstDay ? firstDay.slots.filter((s) => s.free > 0).map((s) => ({ ...s, officeId: firstDay.officeId, date: firstDay.date })) : [];
      if (firstDay) note = this.tr(turn, 'no_slots_that_day', { date: formatLocalDate(date, turn.lang), first: formatLocalDate(firstDay.date, turn.lang) });
    }
    if (free.length === 0) {
      if (active.step !== 'date') this.goTo(active, 'date');
      this.say(turn, 'no_slots');
      return;
    }
    // Nearest to the time the citizen asked for, else the earliest.
    const wanted = str(active.slots.time);
    const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
    const ordered = wanted ? [...free].sort((a, b) => Math.abs(minutes(a.time) - minutes(wanted)) - Math.abs(minutes(b.time) - minutes(wanted))).slice(0, MAX_SLOTS_OFFERED).sort((a, b) => a.startsAt.localeCompare(b.startsAt)) : free.slice(0, MAX_SLOTS_OFFERED);
    const offered = ordered.map((s) => ({ value: s.startsAt, time: s.time, officeId: s.officeId, label: `${formatLocalDate(s.date, turn.lang)}, ${s.time}` }));
    if (active.step !== 'slot') this.goTo(active, 'slot');
    active.slots.offered = JSON.stringify(offered);
    if (note) turn.replies.push(text(note));
    await this.prompt(turn, active);
  }

  // ---- appointment.manage ----

  private async listAppointments(turn: Turn, active: ActiveProcedure): Promise<void> {
    const appointments = this.deps.procedures.appointments;
    const citizen = turn.ctx.citizen;
    if (!appointments || !citizen) return;
    const mine = (await appointments.listMine(turn.ctx.tenant.id, citizen.dni, turn.lang)).filter((a) => a.status === 'booked').slice(0, MAX_LIST);
    if (mine.length === 0) {
      this.finish(turn);
      this.say(turn, 'no_appointments');
      turn.replies.push(quick([{ label: this.tr(turn, 'intent.appointment.book'), payload: 'intent:appointment.book' }]));
      return;
    }
    const offered = mine.map((a) => ({ value: a.id, label: `${a.serviceName} — ${formatLocalDate(a.localDate, turn.lang)}, ${a.localTime}` }));
    this.goTo(active, 'pick', { offered: JSON.stringify(offered) });
    // Rescheduling needs the service and office of the chosen appointment.
    active.slots.services = JSON.stringify(Object.fromEntries(mine.map((a) => [a.id, { serviceId: a.serviceId, officeId: a.officeId }])));
    await this.prompt(turn, active);
  }

  // ---- tax.pay / fine.pay ----

  private async listDebts(turn: Turn, active: ActiveProcedure): Promise<void> {
    const payments = this.deps.procedures.payments;
    const citizen = turn.ctx.citizen;
    if (!payments || !citizen) return;
    const isFine = active.intent === 'fine.pay';
    const pending = (await payments.listPending(turn.ctx.tenant.id, citizen.dni, turn.lang)).filter((d) => (d.kind === 'fine') === isFine).slice(0, MAX_LIST);
    if (pending.length === 0) {
      this.finish(turn);
      this.say(turn, isFine ? 'no_fines' : 'no_receipts');
      return;
    }
    const lines = pending.map((d) => {
      const due = formatMoney(d.amountDueCents, turn.lang);
      if (d.kind === 'fine' && d.isInVoluntaryPeriod && d.reductionPercent > 0 && d.amountDueCents < d.amountCents) {
        return this.tr(turn, 'debt_line_reduced', { name: d.taxName, concept: d.concept, due, full: formatMoney(d.amountCents, turn.lang), percent: d.reductionPercent, until: formatLocalDate(d.voluntaryEnd, turn.lang) });
      }
      return this.tr(turn, 'debt_line', { name: d.taxName, concept: d.concept, due });
    });
    this.say(turn, isFine ? 'fines_list' : 'receipts_list', { count: pending.length });
    turn.replies.push(text(lines.map((l) => `• ${l}`).join('\n')));
    const offered = pending.map((d) => ({ value: d.id, label: `${d.taxName}: ${formatMoney(d.amountDueCents, turn.lang)}` }));
    this.goTo(active, 'debt', { offered: JSON.stringify(offered) });
    await this.prompt(turn, active);
  }

  // ---- filing.status ----

  private async filingStatus(turn: Turn, active: ActiveProcedure): Promise<void> {
    const filings = this.deps.procedures.filings;
    const citizen = turn.ctx.citizen;
    this.finish(turn);
    if (!filings || !citizen) return;
    const reg = str(active.slots.registryNumber);
    if (reg) {
      try {
        const f = await filings.status(turn.ctx.tenant.id, citizen.dni, reg, turn.lang);
        this.say(turn, 'filing_status', { reg: f.registryNumber, subject: f.subject, status: this.tr(turn, `filing_state.${f.status}`) });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        turn.replies.push(text(err.userMessage(turn.lang)));
      }
      return;
    }
    const mine = (await filings.listMine(turn.ctx.tenant.id, citizen.dni, turn.lang)).slice(0, MAX_LIST);
    if (mine.length === 0) {
      this.say(turn, 'no_filings');
      return;
    }
    this.say(turn, 'filings_list', { count: mine.length });
    turn.replies.push(text(mine.map((f) => `• ${this.tr(turn, 'filing_status', { reg: f.registryNumber, subject: f.subject, status: this.tr(turn, `filing_state.${f.status}`) })}`).join('\n')));
  }

  // ---- confirmation and the real work ----

  private confirmKey(active: ActiveProcedure): string {
    if (active.intent === 'appointment.manage') {
      return active.slots.manageAction === 'cancel' ? 'confirm.appointment_cancel' : 'confirm.appointment_reschedule';
    }
    return `confirm.${active.intent}`;
  }

  private confirmParams(turn: Turn, active: ActiveProcedure): Record<string, unknown> {
    const tenant = turn.ctx.tenant;
    const s = active.slots;
    const service = tenant.appointmentServices.find((x) => x.id === str(s.serviceId));
    const office = tenant.offices.find((o) => o.id === str(s.officeId));
    const dept = tenant.departments.find((d) => d.id === str(s.departmentId));
    return {
      kind: this.tr(turn, `kind.${str(s.kind) ?? 'individual'}`),
      service: localize(service?.names, turn.lang, tenant),
      office: localize(office?.names, turn.lang, tenant),
      when: str(s.slotLabel) ?? '',
      appointment: str(s.appointmentLabel) ?? '',
      debt: str(s.debtLabel) ?? '',
      department: localize(dept?.names, turn.lang, tenant),
      subject: str(s.subject) ?? '',
    };
  }

  private procCtx(turn: Turn): ProcedureCtx {
    return { ...turn.ctx.proc, lang: turn.lang };
  }

  private async perform(turn: Turn, active: ActiveProcedure, dni: string): Promise<void> {
    const tenantId = turn.ctx.tenant.id;
    const p = this.deps.procedures;
    const s = active.slots;
    try {
      switch (active.intent) {
        case 'certificate.padron': {
          if (!p.padronCertificates) break;
          const kind = s.kind === 'collective' ? 'collective' : 'individual';
          const doc = await p.padronCertificates.issue(tenantId, dni, kind, this.procCtx(turn));
          this.finish(turn);
          this.say(turn, 'done.certificate', { code: doc.displayCode });
          turn.replies.push(card({ kind: 'document', title: this.tr(turn, `card.certificate_${kind}`), url: doc.pdfUrl, code: doc.displayCode, links: [{ title: this.tr(turn, 'card.verify'), url: doc.verifyUrl }] }));
          return;
        }
        case 'appointment.book': {
          const serviceId = str(s.serviceId);
          const officeId = str(s.officeId);
          const startsAt = str(s.startsAt);
          if (!p.appointments || !serviceId || !officeId || !startsAt) break;
          const a = await p.appointments.book(tenantId, dni, { serviceId, officeId, startsAt }, this.procCtx(turn));
          this.finish(turn);
          this.say(turn, 'done.appointment_booked', { service: a.serviceName, office: a.officeName, address: a.officeAddress, date: formatLocalDate(a.localDate, turn.lang), time: a.localTime, code: a.code });
          turn.replies.push(card({ kind: 'document', title: this.tr(turn, 'card.appointment'), url: `/api/v1/appointments/${a.id}/ics`, code: a.code, text: `${a.serviceName} — ${a.officeName}, ${formatLocalDate(a.localDate, turn.lang)} ${a.localTime}`, links: [{ title: this.tr(turn, 'card.add_to_calendar'), url: `/api/v1/appointments/${a.id}/ics` }] }));
          return;
        }
        case 'appointment.manage': {
          const id = str(s.appointmentId);
          if (!p.appointments || !id) break;
          if (s.manageAction === 'cancel') {
            const a = await p.appointments.cancel(tenantId, dni, id, this.procCtx(turn));
            this.finish(turn);
            this.say(turn, 'done.appointment_cancelled', { code: a.code });
            return;
          }
          const startsAt = str(s.startsAt);
          if (!startsAt) break;
          const a = await p.appointments.reschedule(tenantId, dni, id, { startsAt, officeId: str(s.officeId) }, this.procCtx(turn));
          this.finish(turn);
          this.say(turn, 'done.appointment_rescheduled', { date: formatLocalDate(a.localDate, turn.lang), time: a.localTime, code: a.code });
          turn.replies.push(card({ kind: 'document', title: this.tr(turn, 'card.appointment'), url: `/api/v1/appointments/${a.id}/ics`, code: a.code, links: [{ title: this.tr(turn, 'card.add_to_calendar'), url: `/api/v1/appointments/${a.id}/ics` }] }));
          return;
        }
        case 'tax.pay':
        case 'fine.pay': {
          const debtId = str(s.debtId);
          if (!p.payments || !debtId) break;
          const started = await p.payments.startPayment(tenantId, dni, { debtId }, this.procCtx(turn));
          this.finish(turn);
          this.say(turn, 'done.payment_started', { amount: formatMoney(started.amountCents, turn.lang) });
          turn.replies.push(card({ kind: 'payment', title: this.tr(turn, 'card.pay', { amount: formatMoney(started.amountCents, turn.lang) }), url: started.redirectForm.url, method: started.redirectForm.method, fields: started.redirectForm.fields }));
          return;
        }
        case 'filing.generic': {
          const departmentId = str(s.departmentId);
          const subject = str(s.subject);
          const body = str(s.body);
          if (!p.filings || !departmentId || !subject || !body) break;
          const f = await p.filings.create(tenantId, dni, { departmentId, subject, body }, this.procCtx(turn));
          this.finish(turn);
          this.say(turn, 'done.filing_created', { reg: f.registryNumber });
          if (f.receiptCode) turn.replies.push(card({ kind: 'document', title: this.tr(turn, 'card.filing_receipt'), url: `/verify/${f.receiptCode}/pdf`, code: f.receiptCode, links: [{ title: this.tr(turn, 'card.verify'), url: `/verify/${f.receiptCode}` }] }));
          return;
        }
        case 'filing.status':
          break;
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      this.finish(turn);
      turn.isResolved = false;
      turn.replies.push(text(err.userMessage(turn.lang)));
      turn.replies.push(quick(this.menu(turn.ctx.tenant, turn.lang)));
      return;
    }
    this.finish(turn);
    turn.isResolved = false;
    this.say(turn, 'not_available', { procedure: this.tr(turn, `intent.${active.intent}`) });
  }
}
