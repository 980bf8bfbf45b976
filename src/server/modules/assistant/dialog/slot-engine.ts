/**
 * The slot engine: what every procedure dialog shares. It keeps the step history for "go back", asks for the
 * current step (or asks again after an answer it could not read), reads an answer according to the step's kind
 * (a choice among options, a date, free text, sign-in, the final yes/no) and hands it to the flow. Each
 * procedure is a ProcedureFlow: its slot schema, its steps and what it does once confirmed.
 */
import type { z } from 'zod';
import type { ProcedureIntent } from '../../../../shared/procedures.ts';
import { localDateOf } from '../../../../shared/zoned-time.ts';
import { AppError } from '../../../errors.ts';
import { localize, type LocalizedText } from '../../tenants/index.ts';
import type { Card, NluParse, ProcedureCtx, ProcedurePorts, Reply } from '../assistant.ports.ts';
import { card, matchOption, pushMenu, pushYesNo, quick, say, text, tr, wordCount, yesNoOf } from './dialog.text.ts';
import type { ActiveProcedure, SlotRecord, StepOption, Turn } from './dialog.types.ts';

/** What the first message of a procedure already said, for a flow to fill its slots from. */
export interface FirstMessage {
  text: string;
  parse: NluParse | undefined;
  timeZone: string;
}

/** A date read from an answer ("el jueves a las 10"): the local day and, when said, the time "HH:MM". */
export interface DateAnswer {
  date: string;
  time?: string | undefined;
}

export type StepSpec<S extends SlotRecord> =
  | {
      kind: 'choice';
      options(run: FlowRun<S>): StepOption[] | Promise<StepOption[]>;
      onAnswer(run: FlowRun<S>, value: string): Promise<void>;
      /** A second way to read the answer when it names no option (a time among the offered ones). */
      match?(run: FlowRun<S>): string | undefined;
      /** An answer that is no option but still means something (another date); true when it was handled. */
      onUnmatched?(run: FlowRun<S>): Promise<boolean>;
    }
  | { kind: 'date'; onAnswer(run: FlowRun<S>, answer: DateAnswer): Promise<void> }
  | { kind: 'text'; minLength: number; onAnswer(run: FlowRun<S>, value: string): Promise<void> };

export interface Confirmation {
  /** Catalogue key of the question ("confirm.appointment.book"). */
  key: string;
  params: Record<string, unknown>;
  /** Cards shown with the question (before filing: the form, to add documents). */
  cards?: Card[];
}

/**
 * One procedure's dialog. `steps` names the questions the engine asks (their catalogue keys are `ask.<step>` and
 * `reprompt.<step>`); 'signin' and 'confirm' are the engine's own. A flow that answers at once (a status) has
 * neither `confirm` nor `perform`.
 */
export interface ProcedureFlow<S extends SlotRecord> {
  readonly intent: ProcedureIntent;
  /** The slots' shape: checked when a stored conversation is loaded and whenever the flow takes over a turn. */
  readonly slots: z.ZodType<S>;
  /** Empty slots, with what the first message already said. */
  start(first: FirstMessage): S;
  /** The first step once the citizen is known (or the answer itself, for a flow that needs no question). */
  begin(run: FlowRun<S>): Promise<void>;
  readonly steps: Readonly<Record<string, StepSpec<S>>>;
  confirm?(run: FlowRun<S>): Confirmation;
  /** Does the work after "yes"; false when the slots lack what it needs (then nothing was done). */
  perform?(run: FlowRun<S>, dni: string): Promise<boolean>;
}

/** Identity, for type inference of a flow's slots from its schema. */
export function defineFlow<S extends SlotRecord>(flow: ProcedureFlow<S>): ProcedureFlow<S> {
  return flow;
}

/** A flow at work on the active procedure of one turn: its typed slots and the engine's helpers. */
export class FlowRun<S extends SlotRecord> {
  constructor(
    readonly turn: Turn,
    readonly active: ActiveProcedure,
    /** The same object as active.slots, as the flow's schema reads it. */
    readonly slots: S,
    readonly flow: ProcedureFlow<S>,
    readonly ports: ProcedurePorts,
  ) {}

  get step(): string {
    return this.active.step;
  }
  get tenant() {
    return this.turn.ctx.tenant;
  }
  get lang() {
    return this.turn.lang;
  }

  /** A council's name for something, in the turn's language. */
  localize(names: LocalizedText | undefined): string {
    return localize(names, this.lang, this.tenant);
  }
  /** The same name in the turn's language first, then in every language the profile has (all of them match). */
  labelsOf(names: LocalizedText | undefined): string[] {
    return [this.localize(names), ...Object.values(names ?? {}).filter((x): x is string => typeof x === 'string')];
  }

  tr(key: string, params?: Record<string, unknown>): string {
    return tr(this.turn, key, params);
  }
  say(key: string, params?: Record<string, unknown>): void {
    say(this.turn, key, params);
  }
  reply(r: Reply): void {
    this.turn.replies.push(r);
  }
  text(s: string): void {
    this.reply(text(s));
  }
  card(c: Card): void {
    this.reply(card(c));
  }
  quick(options: { label: string; payload: string }[]): void {
    this.reply(quick(options));
  }

  /** Remembers the current step for "go back"; nothing comes before the first question. */
  remember(): void {
    if (this.step === 'start' || this.step === 'signin') return;
    this.active.history.push({ step: this.step, slots: { ...this.slots } });
  }
  /** Moves to `step` without remembering where we were (the caller remembered already). */
  moveTo(step: string): void {
    this.active.step = step;
  }
  /** Moves to `step`, remembering where we were, with `patch` filled in. */
  goTo(step: string, patch: Partial<S> = {}): void {
    this.remember();
    this.active.step = step;
    Object.assign(this.slots, patch);
  }
  /** The procedure is over (done, refused or left). */
  finish(): void {
    this.turn.state.active = undefined;
  }
  procCtx(): ProcedureCtx {
    return { ...this.turn.ctx.proc, lang: this.turn.lang };
  }

  /** A date in the typed answer, or today for "as soon as possible", with the time when one was said. */
  dateAnswer(): DateAnswer | undefined {
    const { input, parse, ctx } = this.turn;
    if (input.action === 'val:soonest') return { date: localDateOf(ctx.now, ctx.tenant.timeZone) };
    const e = parse?.entities.find((x) => x.type === 'date' || x.type === 'datetime');
    if (!e || typeof e.value !== 'string') return undefined;
    const time = parse?.entities.find((x) => x.type === 'time');
    const answer: DateAnswer = { date: e.type === 'datetime' ? localDateOf(new Date(e.value), ctx.tenant.timeZone) : e.value };
    if (time && typeof time.value === 'string') answer.time = time.value;
    return answer;
  }

  /** Asks for the current step; `isReprompt` after an answer that could not be read. */
  async prompt(isReprompt = false): Promise<void> {
    const step = this.step;
    if (step === 'signin') {
      this.say('signin_needed', { procedure: this.tr(`intent.${this.active.intent}`) });
      this.card({ kind: 'signin', title: this.tr('signin_title'), url: '/signin?next=/assistant' });
      this.quick([{ label: this.tr('signin_done'), payload: 'val:signed-in' }, { label: this.tr('cancel_label'), payload: 'cmd:cancel' }]);
      return;
    }
    if (step === 'confirm' && this.flow.confirm) {
      const c = this.flow.confirm(this);
      this.say(c.key, c.params);
      for (const x of c.cards ?? []) this.card(x);
      pushYesNo(this.turn);
      return;
    }
    this.say(isReprompt ? `reprompt.${step}` : `ask.${step}`);
    const opts = await this.options();
    if (opts.length > 0) this.quick(opts.map((o) => ({ label: o.labels[0] ?? o.value, payload: `val:${o.value}` })));
  }

  /** The options of the current step (none for dates, free text and the confirmation). */
  async options(): Promise<StepOption[]> {
    if (this.step === 'signin') return [{ value: 'signed-in', labels: [this.tr('signin_done')] }];
    const spec = this.flow.steps[this.step];
    return spec?.kind === 'choice' ? spec.options(this) : [];
  }

  /**
   * How the typed message answers the current step: 'strong' (a yes/no at a confirmation, a date at a date step,
   * free text where free text is asked, an option's number, or a short reply naming an option), 'weak' (a longer
   * sentence that shares words with an option: it may be a new request) or 'none'.
   */
  async answerKind(): Promise<'strong' | 'weak' | 'none'> {
    const { input, parse } = this.turn;
    const spec = this.flow.steps[this.step];
    if (this.step === 'confirm' && yesNoOf(input, parse)) return 'strong';
    if (spec?.kind === 'date' && parse?.entities.some((e) => e.type === 'date' || e.type === 'datetime')) return 'strong';
    if (spec?.kind === 'text') return 'strong';
    if (matchOption(input, await this.options()) === undefined) return 'none';
    return wordCount(input.text ?? '') <= 2 ? 'strong' : 'weak';
  }

  /** One answer to the current step. */
  async answer(): Promise<void> {
    const { input, ctx } = this.turn;
    if (this.step === 'signin') {
      if (!ctx.citizen) await this.prompt(true);
      else await this.flow.begin(this);
      return;
    }
    if (this.step === 'confirm') {
      await this.answerConfirmation();
      return;
    }
    const spec = this.flow.steps[this.step];
    if (!spec) {
      await this.prompt(true);
      return;
    }
    switch (spec.kind) {
      case 'date': {
        const answer = this.dateAnswer();
        if (answer) await spec.onAnswer(this, answer);
        else await this.prompt(true);
        return;
      }
      case 'text': {
        const value = (input.text ?? '').trim();
        if (value.length < spec.minLength) await this.prompt(true);
        else await spec.onAnswer(this, value);
        return;
      }
      case 'choice': {
        const value = matchOption(input, await spec.options(this)) ?? spec.match?.(this);
        if (value !== undefined) await spec.onAnswer(this, value);
        else if (!(await spec.onUnmatched?.(this))) await this.prompt(true);
        return;
      }
    }
  }

  private async answerConfirmation(): Promise<void> {
    const turn = this.turn;
    const yn = yesNoOf(turn.input, turn.parse);
    if (yn === 'no') {
      this.finish();
      this.say('not_done');
      pushMenu(turn);
      return;
    }
    if (yn !== 'yes') {
      this.say('reprompt.confirm');
      pushYesNo(turn);
      return;
    }
    const citizen = turn.ctx.citizen;
    if (!citizen) {
      this.moveTo('signin');
      await this.prompt();
      return;
    }
    let isDone: boolean;
    try {
      isDone = (await this.flow.perform?.(this, citizen.dni)) ?? false;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      this.finish();
      turn.isResolved = false;
      this.text(err.userMessage(turn.lang));
      pushMenu(turn);
      return;
    }
    if (isDone) return;
    this.finish();
    turn.isResolved = false;
    this.say('error');
  }
}

