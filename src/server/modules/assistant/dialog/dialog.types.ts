/**
 * The dialog's state and the shapes of one turn. The state is what `conversations.state` holds between turns
 * (validated on load by dialog-state.ts); a Turn is the mutable record the pipeline fills while it answers.
 */
import type { Language } from '../../../../shared/languages.ts';
import type { ProcedureIntent } from '../../../../shared/procedures.ts';
import type { TenantProfile } from '../../tenants/index.ts';
import type { AskPort, HandoffReason, ModerationPort, NluParse, NluPort, ProcedureCtx, ProcedurePorts, Reply } from '../assistant.ports.ts';

/** Below this intent confidence (0..1) a fresh request counts as not understood. */
export const MISUNDERSTOOD_BELOW = 0.45;
/** When the top two intents are closer than this (and the second is at least SECOND_MIN), ask which one. */
export const DISAMBIGUATION_MARGIN = 0.25;
export const SECOND_MIN = 0.2;
/** A different procedure this sure, typed mid-dialog, is a topic switch rather than an answer. */
export const TOPIC_SWITCH_MIN = 0.85;
/** The conversation changes language only on clear evidence: this identification confidence and 3+ words. */
export const LANGUAGE_SWITCH_MIN = 0.9;
/** A picked intent from a typed answer to "which one?" must be at least this sure. */
export const DISAMBIGUATION_PICK_MIN = 0.6;
/** Free appointment times offered at once, and appointments, debts or filings listed at once. */
export const MAX_SLOTS_OFFERED = 3;
export const MAX_LIST = 5;

/** A flow's slots as stored; each flow's zod schema gives them their real shape. */
export type SlotRecord = Record<string, unknown>;

export interface ActiveProcedure {
  intent: ProcedureIntent;
  step: string;
  slots: SlotRecord;
  /** Earlier (step, slots) pairs, for "go back". */
  history: { step: string; slots: SlotRecord }[];
}

export type Pending =
  | { kind: 'disambiguate'; options: string[] }
  | { kind: 'switch'; to: ProcedureIntent }
  | { kind: 'handoff_offer' };

export interface DialogState {
  misunderstandings: number;
  /** Abusive messages so far: moderation answers the second with a warning and the third ends the chat. */
  abuseCount?: number | undefined;
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
  /** True when the conversation ends with this turn (moderation: the third abusive message). */
  isClosing: boolean;
  /** The NLU reading of a typed message (stored with the turn, types of entities only). */
  parse?: NluParse | undefined;
  isMisunderstood: boolean;
  /** The intent the turn was handled as, for analytics. */
  handledAs: string;
  /** False when the assistant could not help (not understood, not offered, moderation, hand-off). */
  isResolved: boolean;
}

export interface DialogDeps {
  nlu: NluPort;
  moderation: ModerationPort;
  ask?: AskPort | undefined;
  procedures: ProcedurePorts;
}

/** One turn while it is being answered: the pipeline, the slot engine and the flows write into it. */
export interface Turn {
  input: TurnInput;
  ctx: TurnContext;
  lang: Language;
  parse: NluParse | undefined;
  state: DialogState;
  replies: Reply[];
  handoff?: HandoffReason | undefined;
  isClosing: boolean;
  isMisunderstood: boolean;
  handledAs: string;
  isResolved: boolean;
}

/** One choice at a step: the value stored, and the words that name it (the first is the button's label). */
export interface StepOption {
  value: string;
  labels: string[];
}
