/**
 * The dialog manager: one citizen turn in, structured replies and the next state out. Free of Fastify and of
 * SQL; the service loads (dialog-state.ts) and stores the state around it. Order of a turn: moderation,
 * language, global commands (cancel / start again / go back), a pending question (disambiguation, topic switch,
 * offer of a person), the active procedure's step (slot-engine.ts with its flow), then the intent of a fresh
 * request.
 */
import type { Language } from '../../../../shared/languages.ts';
import { isProcedureIntent, type ProcedureIntent } from '../../../../shared/procedures.ts';
import { t } from '../../../i18n.ts';
import { localize, type TenantProfile } from '../../tenants/index.ts';
import type { NluParse, Reply } from '../assistant.ports.ts';
import { card, commandOf, intentLabel, isCommand, matchOption, menuOptions, pushMenu, quick, say, text, tr, wordCount, yesNoOf, type Command } from './dialog.text.ts';
import {
  DISAMBIGUATION_MARGIN,
  DISAMBIGUATION_PICK_MIN,
  LANGUAGE_SWITCH_MIN,
  MISUNDERSTOOD_BELOW,
  SECOND_MIN,
  TOPIC_SWITCH_MIN,
  initialState,
  type ActiveProcedure,
  type DialogDeps,
  type DialogState,
  type Pending,
  type SlotRecord,
  type Turn,
  type TurnContext,
  type TurnInput,
  type TurnOutcome,
} from './dialog.types.ts';
import { answerModeration, answerQuestion, misunderstood, requestHandoff } from './dialog-answers.ts';
import { FLOWS } from './flows/index.ts';
import { FlowRun } from './slot-engine.ts';

export class DialogManager {
  constructor(private readonly deps: DialogDeps) {}

  /** The greeting of a new conversation. */
  welcome(tenant: TenantProfile, lang: Language): Reply[] {
    const council = localize(tenant.names, lang, tenant);
    return [text(t(lang, 'assistant:welcome', { council }), t(lang, 'assistant:welcome_easy')), quick(menuOptions(tenant, lang))];
  }

  /** Handles one citizen turn. */
  async handle(input: TurnInput, ctx: TurnContext, state: DialogState): Promise<TurnOutcome> {
    const turn: Turn = { input, ctx, lang: ctx.lang, parse: undefined, state: structuredClone(state), replies: [], isClosing: false, isMisunderstood: false, handledAs: 'action', isResolved: true };
    await this.run(turn);
    const { replies, lang, handoff, isClosing, parse, isMisunderstood, handledAs, isResolved } = turn;
    return { replies, lang, state: turn.state, handoff, isClosing, parse, isMisunderstood, handledAs, isResolved };
  }

  /** The active procedure's flow at work in this turn (its slots read through the flow's schema). */
  private open(turn: Turn, active: ActiveProcedure): FlowRun<SlotRecord> {
    const flow = FLOWS[active.intent];
    const slots = flow.slots.parse(active.slots);
    active.slots = slots;
    return new FlowRun(turn, active, slots, flow, this.deps.procedures);
  }

  private async run(turn: Turn): Promise<void> {
    const { input, ctx } = turn;
    if (input.action !== undefined) {
      await this.runAction(turn, input.action);
      return;
    }
    const raw = (input.text ?? '').trim();
    if (!raw) {
      say(turn, 'empty');
      return;
    }

    // Moderation first, in the conversation's language (the parse below may switch it).
    const moderationLang = turn.lang;
    const verdict = await this.deps.moderation.moderate(raw, { lang: moderationLang, previousAbuse: turn.state.abuseCount ?? 0, ineCode: ctx.tenant.ineCode });
    const parse = this.deps.nlu.parse({ text: raw, tenantId: ctx.tenant.id, conversationLang: turn.lang, now: ctx.now });
    turn.parse = parse;
    turn.handledAs = parse.intent.name;
    this.maybeSwitchLanguage(turn, raw, parse);
    if (verdict.category !== 'ok') {
      answerModeration(turn, verdict, moderationLang);
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
      const run = this.open(turn, active);
      const answer = await run.answerKind();
      const switchTo = isProcedureIntent(top.name) && top.name !== active.intent && top.confidence >= TOPIC_SWITCH_MIN ? top.name : undefined;
      if (answer !== 'strong' && switchTo) {
        // A clear new request: switch at once when nothing was chosen yet and the words answer nothing here; else ask.
        const hasChosen = active.history.some((h) => h.step !== 'start' && h.step !== 'signin');
        if (!hasChosen && answer === 'none') {
          turn.state.active = undefined;
          await this.startProcedure(turn, switchTo, parse);
        } else {
          const current = tr(turn, `intent.${active.intent}`);
          const next = tr(turn, `intent.${switchTo}`);
          turn.state.pending = { kind: 'switch', to: switchTo };
          say(turn, 'switch_ask', { current, next });
          turn.replies.push(quick([{ label: tr(turn, 'switch_yes', { next }), payload: 'switch:yes' }, { label: tr(turn, 'switch_no', { current }), payload: 'switch:no' }]));
        }
        return;
      }
      if (answer === 'none' && top.name === 'handoff.human' && top.confidence >= TOPIC_SWITCH_MIN) {
        requestHandoff(turn, 'asked');
        return;
      }
      turn.handledAs = active.intent;
      await run.answer();
      return;
    }

    await this.fresh(turn, parse);
  }

  private maybeSwitchLanguage(turn: Turn, raw: string, parse: NluParse): void {
    const code = parse.language.code;
    if (code !== turn.lang && turn.ctx.tenant.languages.includes(code) && parse.language.confidence >= LANGUAGE_SWITCH_MIN && wordCount(raw) >= 3) {
      turn.lang = code;
    }
  }

  private async runAction(turn: Turn, action: string): Promise<void> {
    const command = action.startsWith('cmd:') ? action.slice(4) : undefined;
    if (command !== undefined && isCommand(command)) {
      await this.runCommand(turn, command);
      return;
    }
    if (action === 'handoff') {
      turn.state.pending = undefined;
      requestHandoff(turn, turn.state.misunderstandings >= 2 ? 'misunderstood' : 'asked');
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
      await this.open(turn, active).answer();
      return;
    }
    say(turn, 'what_now');
    pushMenu(turn);
  }

  private async runCommand(turn: Turn, command: Command): Promise<void> {
    turn.handledAs = `command.${command}`;
    const active = turn.state.active;
    turn.state.pending = undefined;
    if (command === 'cancel') {
      turn.state.active = undefined;
      say(turn, active ? 'cancelled' : 'nothing_to_cancel');
      pushMenu(turn);
      return;
    }
    if (command === 'restart') {
      turn.state = initialState();
      say(turn, 'restarted');
      pushMenu(turn);
      return;
    }
    const previous = active?.history.pop();
    if (!active || !previous) {
      say(turn, 'cannot_go_back');
      if (active) await this.open(turn, active).prompt();
      else pushMenu(turn);
      return;
    }
    active.step = previous.step;
    active.slots = previous.slots;
    say(turn, 'went_back');
    await this.open(turn, active).prompt();
  }

  /** Returns true when the turn answered the pending question. */
  private async runPending(turn: Turn, pending: Pending): Promise<boolean> {
    const yn = yesNoOf(turn.input, turn.parse);
    switch (pending.kind) {
      case 'disambiguate': {
        const chosen = matchOption(turn.input, pending.options.map((o) => ({ value: o, labels: [intentLabel(turn, o)] })));
        const top = turn.parse?.intent;
        const fromIntent = top && pending.options.includes(top.name) && top.confidence >= DISAMBIGUATION_PICK_MIN ? top.name : undefined;
        const pick = chosen ?? fromIntent;
        turn.state.pending = undefined;
        if (!pick) return false;
        turn.handledAs = pick;
        await this.startIntent(turn, pick, turn.parse);
        return true;
      }
      case 'switch': {
        turn.state.pending = undefined;
        if (turn.input.action === 'switch:yes' || yn === 'yes') {
          turn.state.active = undefined;
          turn.handledAs = pending.to;
          await this.startProcedure(turn, pending.to);
          return true;
        }
        if (turn.input.action === 'switch:no' || yn === 'no') {
          const active = turn.state.active;
          say(turn, 'switch_stay');
          if (active) await this.open(turn, active).prompt();
          return true;
        }
        return false;
      }
      case 'handoff_offer': {
        turn.state.pending = undefined;
        if (yn === 'yes') {
          requestHandoff(turn, 'misunderstood');
          return true;
        }
        if (yn === 'no') {
          turn.state.misunderstandings = 0;
          say(turn, 'handoff_declined');
          pushMenu(turn);
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
    const isActionable = (n: string) => isProcedureIntent(n) || n === 'question' || n === 'handoff.human' || turn.ctx.tenant.intents.some((i) => i.name === n);
    if (second && isActionable(top.name) && isActionable(second.name) && second.confidence >= SECOND_MIN && top.confidence - second.confidence < DISAMBIGUATION_MARGIN) {
      const options = [top.name, second.name];
      turn.state.pending = { kind: 'disambiguate', options };
      turn.handledAs = 'disambiguation';
      say(turn, 'disambiguate');
      turn.replies.push(quick(options.map((o) => ({ label: intentLabel(turn, o), payload: `intent:${o}` }))));
      return;
    }
    if (top.confidence < MISUNDERSTOOD_BELOW) {
      misunderstood(turn);
      return;
    }
    await this.startIntent(turn, top.name, parse);
  }

  private async startIntent(turn: Turn, name: string, parse: NluParse | undefined): Promise<void> {
    turn.state.misunderstandings = 0;
    if (isProcedureIntent(name)) {
      await this.startProcedure(turn, name, parse);
      return;
    }
    switch (name) {
      case 'greeting':
        say(turn, 'greeting');
        pushMenu(turn);
        return;
      case 'goodbye':
        say(turn, 'goodbye');
        return;
      case 'handoff.human':
        requestHandoff(turn, 'asked');
        return;
      case 'question':
        await answerQuestion(turn, this.deps.ask);
        return;
      default: {
        const custom = this.deps.nlu.customAnswer?.(turn.ctx.tenant.id, name, turn.lang);
        if (!custom) {
          misunderstood(turn);
          return;
        }
        turn.replies.push(text(custom.text));
        if (custom.link) turn.replies.push(card({ kind: 'link', title: tr(turn, 'more_info'), url: custom.link }));
      }
    }
  }

  private async startProcedure(turn: Turn, intent: ProcedureIntent, parse?: NluParse): Promise<void> {
    turn.handledAs = intent;
    const tenant = turn.ctx.tenant;
    if (!tenant.procedures.includes(intent)) {
      // The council's profile does not offer it (the menu never shows it; a typed request can still name it).
      turn.isResolved = false;
      turn.state.active = undefined;
      say(turn, 'not_offered', { procedure: tr(turn, `intent.${intent}`) });
      pushMenu(turn);
      return;
    }
    const first = { text: parse ? (turn.input.text ?? '') : '', parse, timeZone: tenant.timeZone };
    const active: ActiveProcedure = { intent, step: 'start', slots: FLOWS[intent].start(first), history: [] };
    turn.state.active = active;
    const run = this.open(turn, active);
    // Every procedure acts for a person: the registers are keyed by the signed-in citizen's DNI.
    if (!turn.ctx.citizen) {
      run.moveTo('signin');
      await run.prompt();
      return;
    }
    await run.flow.begin(run);
  }
}
