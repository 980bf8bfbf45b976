/**
 * Conversations: start, one message at a time through the dialog manager, transcripts for their owner, a
 * live feed of new turns (NOTIFY, so several instances agree), and mentored learning for staff.
 * Free of Fastify: the kiosk and the hand-off inbox call the same methods.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import { AppError } from '../../errors.ts';
import type { Language } from '../../../shared/languages.ts';
import { audit, type AuditRecord } from '../identity/index.ts';
import { recordAnalyticsEvent } from '../analytics/index.ts';
import type { TenantProfile, TenantRegistry } from '../tenants/index.ts';
import { DialogManager } from './dialog/dialog-manager.ts';
import { loadDialogState } from './dialog/dialog-state.ts';
import { initialState, type DialogState, type TurnInput } from './dialog/dialog.types.ts';
import type { AskPort, HandoffPort, ModerationPort, NluPort, ProcedurePorts, Reply } from './assistant.ports.ts';
import { AssistantRepository, type ConversationChannel, type ConversationRow, type ConversationStatus, type TurnRow } from './assistant.repository.ts';

/** The NOTIFY channel carrying "conversation X has turn N" (payloads stay tiny; listeners read the rows). */
export const TURNS_CHANNEL = 'assistant_turns';

/** What mentored learning needs from the NLU service (NluService fits). */
export interface NluTrainerPort {
  addPhrase(p: { tenantId: string; lang: Language; intent: string; text: string; source?: 'staff' | 'relabel'; createdBy?: string | null }): Promise<unknown>;
  train(tenantId?: string, opts?: { trainedBy?: string | null }): Promise<{ examples: number; trainMs: number; before: unknown; after: unknown }>;
  evaluate(tenantId?: string): unknown;
  intentNames(tenantId?: string): string[];
}

export interface AssistantDeps {
  db: Db;
  tenants: TenantRegistry;
  nlu: NluPort & NluTrainerPort;
  moderation: ModerationPort;
  ask?: AskPort | undefined;
  handoff: HandoffPort;
  procedures: ProcedurePorts;
  now?: () => Date;
}

/** Who is asking: the owner token from the cookie and, when signed in, the citizen. */
export interface Requester {
  ownerToken: string | undefined;
  citizen?: { dni: string; givenName: string } | undefined;
  channel?: string | undefined;
  kioskId?: string | undefined;
  requestId?: string | undefined;
}

export interface TranscriptTurn {
  seq: number;
  role: TurnRow['role'];
  text: string;
  replies: Reply[] | null;
  at: string;
}

export interface ReviewItem {
  id: number;
  conversationId: string;
  text: string;
  language: string | null;
  intent: string | null;
  confidence: number | null;
  alternatives: { name: string; confidence: number }[];
  entityTypes: string[];
  isMisunderstood: boolean;
  at: string;
}

/** How long a turn may hold its conversation (a procedure through an RPA connector can take seconds). */
const TURN_LEASE_MS = 60_000;
/** How long a message waits for the turn before it, before answering `assistant.busy`. */
const TURN_WAIT_MS = 20_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Every string inside a reply, redacted (what we store of the assistant's side). */
function redactReplies(replies: Reply[], redact: (s: string) => string): Reply[] {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'fields' ? '[omitted]' : walk(x)]));
    return v;
  };
  return walk(replies) as Reply[];
}

function replyText(replies: Reply[]): string {
  return replies
    .map((r) => (r.type === 'text' ? r.text : r.type === 'card' ? `[${r.card.kind}] ${r.card.title}` : `[${r.options.map((o) => o.label).join(' | ')}]`))
    .join('\n');
}

export class AssistantService {
  private readonly repo: AssistantRepository;
  private readonly dialog: DialogManager;
  private readonly now: () => Date;
  private readonly subscribers = new Map<string, Set<(seq: number) => void>>();
  private unlisten: Promise<() => Promise<void>> | undefined;

  constructor(private readonly deps: AssistantDeps) {
    this.repo = new AssistantRepository(deps.db);
    this.dialog = new DialogManager({ nlu: deps.nlu, moderation: deps.moderation, ask: deps.ask, procedures: deps.procedures });
    this.now = deps.now ?? (() => new Date());
  }

  /** Starts a conversation; the returned owner token is the only key to its transcript (kept in a cookie). */
  async start(tenant: TenantProfile, input: { lang: Language; channel: ConversationChannel; kioskId?: string | undefined }, who: Requester): Promise<{ id: string; ownerToken: string; language: Language; replies: Reply[] }> {
    const id = randomUUID();
    const ownerToken = who.ownerToken ?? randomBytes(24).toString('base64url');
    const lang = tenant.languages.includes(input.lang) ? input.lang : tenant.defaultLanguage;
    const kioskId = input.channel === 'kiosk' ? (input.kioskId ?? null) : null;
    const replies = this.dialog.welcome(tenant, lang);
    await this.repo.createConversation({ id, tenantId: tenant.id, channel: input.channel, kioskId, language: lang, state: initialState(), ownerTokenSha256: sha256(ownerToken), citizenDni: who.citizen?.dni ?? null });
    const turn = await this.repo.addTurn(tenant.id, id, { role: 'assistant', text: this.deps.moderation.redact(replyText(replies)), replies: redactReplies(replies, this.deps.moderation.redact), language: lang });
    await this.publish(id, turn.seq);
    return { id, ownerToken, language: lang, replies };
  }

  /** The conversation when the requester owns it; otherwise the same 404 as an unknown id. */
  async open(tenantId: string, id: string, who: Requester): Promise<ConversationRow> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const conv = isUuid ? await this.repo.findConversation(tenantId, id) : undefined;
    const isOwner = conv && ((who.ownerToken !== undefined && sha256(who.ownerToken) === conv.owner_token_sha256) || (who.citizen !== undefined && conv.citizen_dni === who.citizen.dni));
    if (!conv || !isOwner) throw new AppError('assistant.conversation_not_found');
    return conv;
  }

  /** One citizen message or quick-reply action: the assistant's replies. */
  async message(tenant: TenantProfile, id: string, input: TurnInput, who: Requester): Promise<{ replies: Reply[]; language: Language; status: ConversationStatus }> {
    await this.open(tenant.id, id, who);
    // A second message sent while the first is still being answered waits for it, then starts from its state.
    const conv = await this.claimTurn(tenant.id, id);
    try {
      return await this.takeTurn(tenant, id, conv, input, who);
    } finally {
      // takeTurn saves and releases in one statement; this only matters when it failed part-way.
      await this.repo.releaseTurn(tenant.id, id);
    }
  }

  private async claimTurn(tenantId: string, id: string): Promise<ConversationRow> {
    const deadline = Date.now() + TURN_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      const conv = await this.repo.claimTurn(tenantId, id, TURN_LEASE_MS);
      if (conv) return conv;
      if (Date.now() > deadline) throw new AppError('assistant.busy');
      await new Promise((resolve) => setTimeout(resolve, Math.min(20 * 2 ** attempt, 250)));
    }
  }

  private async takeTurn(tenant: TenantProfile, id: string, conv: ConversationRow, input: TurnInput, who: Requester): Promise<{ replies: Reply[]; language: Language; status: ConversationStatus }> {
    if (conv.status === 'closed') throw new AppError('assistant.conversation_closed');
    const redact = this.deps.moderation.redact;
    const channel = conv.channel;
    const proc = { channel, kioskId: conv.kiosk_id ?? undefined, requestId: who.requestId };
    // Checked, not cast: a state an older version stored, or one damaged, starts the dialog afresh.
    const state = loadDialogState(conv.state);

    if (conv.status === 'with_human') {
      // A person is answering: the message goes to them, the assistant stays quiet.
      const turn = await this.repo.addTurn(tenant.id, id, { role: 'citizen', text: redact(input.text ?? input.action ?? ''), language: conv.language });
      await this.publish(id, turn.seq);
      return { replies: [], language: conv.language, status: conv.status };
    }

    const outcome = await this.dialog.handle(input, { tenant, conversationId: id, lang: conv.language, citizen: who.citizen, proc, now: this.now() }, state);
    const p = outcome.parse;
    const citizenTurn = await this.repo.addTurn(tenant.id, id, {
      role: 'citizen',
      text: input.text !== undefined ? redact(input.text) : `[action] ${redact(input.action ?? '')}`,
      language: p?.language.code ?? outcome.lang,
      intent: p?.intent.name,
      confidence: p?.intent.confidence,
      alternatives: p?.alternatives,
      entityTypes: p ? [...new Set(p.entities.map((e) => e.type))] : undefined,
      isMisunderstood: outcome.isMisunderstood,
    });
    let status: ConversationStatus = conv.status;
    // Moderation ended the chat (the third abusive message): later messages are refused (assistant.conversation_closed).
    if (outcome.isClosing) status = 'closed';
    else if (outcome.handoff) {
      const req = await this.deps.handoff.request({ tenantId: tenant.id, conversationId: id, reason: outcome.handoff, channel, kioskId: conv.kiosk_id, language: outcome.lang });
      if (status === 'active') status = 'waiting_human';
      if (req.isNew) await recordAnalyticsEvent(this.deps.db, { tenantId: tenant.id, type: 'assistant.handoff', language: outcome.lang, channel, kioskId: conv.kiosk_id ?? undefined, data: { reason: outcome.handoff, conversationId: id } });
    }
    const assistantTurn = await this.repo.addTurn(tenant.id, id, { role: 'assistant', text: redact(replyText(outcome.replies)), replies: redactReplies(outcome.replies, redact), language: outcome.lang });
    await this.repo.finishTurn(tenant.id, id, { language: outcome.lang, state: outcome.state, fromStatus: conv.status, toStatus: status, citizenDni: who.citizen?.dni ?? null });
    // Each procedure step taken in the dialog goes to the audit log (slot names only, never their values).
    const actor = { tenantId: tenant.id, actorType: who.citizen ? ('citizen' as const) : ('anonymous' as const), actorId: who.citizen?.dni, channel, kioskId: conv.kiosk_id ?? undefined, requestId: who.requestId };
    for (const step of procedureSteps(state, outcome.state, id)) await audit(this.deps.db, actor, step);
    if (input.text !== undefined) {
      await recordAnalyticsEvent(this.deps.db, { tenantId: tenant.id, type: 'assistant.query', language: outcome.lang, channel, kioskId: conv.kiosk_id ?? undefined, data: { intent: outcome.handledAs, confidence: p?.intent.confidence ?? null, resolved: outcome.isResolved } });
    }
    await this.publish(id, citizenTurn.seq);
    await this.publish(id, assistantTurn.seq);
    return { replies: outcome.replies, language: outcome.lang, status };
  }

  /** The redacted transcript, for the conversation's owner. */
  async transcript(tenantId: string, id: string, who: Requester): Promise<{ id: string; language: Language; status: ConversationStatus; channel: ConversationChannel; turns: TranscriptTurn[] }> {
    const conv = await this.open(tenantId, id, who);
    const turns = await this.repo.listTurns(tenantId, id);
    return { id, language: conv.language, status: conv.status, channel: conv.channel, turns: turns.map(presentTurn) };
  }

  /** Turns after `afterSeq` (the live feed reads these after each notification). */
  async turnsAfter(tenantId: string, id: string, afterSeq: number): Promise<TranscriptTurn[]> {
    return (await this.repo.listTurns(tenantId, id)).filter((t) => t.seq > afterSeq).map(presentTurn);
  }

  /** A staff member's message into a conversation (the hand-off inbox calls this). */
  async addStaffMessage(tenantId: string, id: string, input: { staffId: string; text: string }): Promise<TranscriptTurn> {
    const conv = await this.repo.findConversation(tenantId, id);
    if (!conv) throw new AppError('assistant.conversation_not_found');
    const replies: Reply[] = [{ type: 'text', text: input.text }];
    const turn = await this.repo.addTurn(tenantId, id, { role: 'staff', text: this.deps.moderation.redact(input.text), replies: redactReplies(replies, this.deps.moderation.redact), language: conv.language });
    await this.publish(id, turn.seq);
    return presentTurn(turn);
  }

  /** Sets a conversation's status (the hand-off inbox: with_human when accepted, closed at the end). */
  async setStatus(tenantId: string, id: string, status: ConversationStatus): Promise<void> {
    const conv = await this.repo.findConversation(tenantId, id);
    if (!conv) throw new AppError('assistant.conversation_not_found');
    // Only the status: a turn running now keeps its dialog state, and its own status change yields to this one.
    await this.repo.setStatus(tenantId, id, status);
  }

  /**
   * Calls `onTurn(seq)` whenever a turn is added to the conversation, on this or any other instance.
   * Returns the unsubscribe function.
   */
  async subscribe(conversationId: string, onTurn: (seq: number) => void): Promise<() => void> {
    this.unlisten ??= this.deps.db.listen(TURNS_CHANNEL, (payload) => {
      const [conv, seq] = payload.split(':');
      if (!conv || !seq) return;
      for (const fn of this.subscribers.get(conv) ?? []) fn(Number(seq));
    });
    await this.unlisten;
    let set = this.subscribers.get(conversationId);
    if (!set) {
      set = new Set();
      this.subscribers.set(conversationId, set);
    }
    set.add(onTurn);
    return () => {
      set.delete(onTurn);
      if (set.size === 0) this.subscribers.delete(conversationId);
    };
  }

  /** Stops listening (app shutdown). */
  async close(): Promise<void> {
    const u = this.unlisten;
    this.unlisten = undefined;
    this.subscribers.clear();
    if (u) await (await u)().catch(() => undefined);
  }

  private async publish(conversationId: string, seq: number): Promise<void> {
    await this.deps.db.notify(TURNS_CHANNEL, `${conversationId}:${seq}`);
  }

  // ---- mentored learning ----

  /** Low-confidence or misunderstood citizen turns not yet reviewed (redacted text). */
  async reviewQueue(tenantId: string, f: { maxConfidence?: number | undefined; isMisunderstoodOnly?: boolean | undefined; limit?: number | undefined }): Promise<ReviewItem[]> {
    const rows = await this.repo.listForReview(tenantId, { maxConfidence: f.maxConfidence ?? 0.6, isMisunderstoodOnly: f.isMisunderstoodOnly ?? false, limit: Math.min(f.limit ?? 100, 500) });
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      text: r.text,
      language: r.language,
      intent: r.intent,
      confidence: r.confidence,
      alternatives: r.alternatives ?? [],
      entityTypes: r.entity_types ?? [],
      isMisunderstood: r.is_misunderstood,
      at: new Date(r.created_at).toISOString(),
    }));
  }

  /** Moves a citizen turn into the council's training phrases under `intent`; it counts at the next retrain. */
  async label(tenantId: string, turnId: number, intent: string, staffId: string): Promise<{ turnId: number; intent: string; language: Language }> {
    const turn = await this.repo.findTurn(tenantId, turnId);
    if (!turn || turn.role !== 'citizen' || turn.text.startsWith('[action]')) throw new AppError('assistant.turn_not_found');
    const lang = (['es', 'ca', 'en'] as const).find((l) => l === turn.language) ?? this.deps.tenants.get(tenantId).defaultLanguage;
    await this.deps.nlu.addPhrase({ tenantId, lang, intent, text: turn.text, source: 'relabel', createdBy: staffId });
    await this.repo.markReviewed(tenantId, turnId, intent, staffId);
    return { turnId, intent, language: lang };
  }

  /** Retrains the council's model now (no restart) and returns the evaluation before and after. */
  async retrain(tenantId: string, staffId: string): Promise<{ examples: number; trainMs: number; before: unknown; after: unknown }> {
    const before = this.deps.nlu.evaluate(tenantId);
    const res = await this.deps.nlu.train(tenantId, { trainedBy: staffId });
    return { examples: res.examples, trainMs: res.trainMs, before: res.before ?? before, after: res.after };
  }

  /** The council's current evaluation. */
  evaluation(tenantId: string): unknown {
    return this.deps.nlu.evaluate(tenantId);
  }
}

function presentTurn(t: TurnRow): TranscriptTurn {
  return { seq: t.seq, role: t.role, text: t.text, replies: t.replies, at: new Date(t.created_at).toISOString() };
}

/**
 * The audit entries for what a turn did to the procedure in hand: started, moved to another step (with the
 * names of the fields filled so far), or left (finished, cancelled or switched; the procedure's own service
 * audits the outcome itself).
 */
export function procedureSteps(before: DialogState, after: DialogState, conversationId: string): AuditRecord[] {
  const a = before.active;
  const b = after.active;
  const at = { subjectType: 'conversation', subjectId: conversationId };
  const steps: AuditRecord[] = [];
  if (a && (!b || a.intent !== b.intent)) steps.push({ ...at, action: 'assistant.procedure_left', details: { procedure: a.intent, step: a.step } });
  if (b && (!a || a.intent !== b.intent)) steps.push({ ...at, action: 'assistant.procedure_started', details: { procedure: b.intent, step: b.step } });
  else if (a && b && a.step !== b.step) {
    steps.push({ ...at, action: 'assistant.procedure_step', details: { procedure: b.intent, step: b.step, filled: Object.keys(b.slots).sort() } });
  }
  return steps;
}
