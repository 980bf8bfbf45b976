/**
 * The staff inbox: conversations waiting for a person, an atomic accept, live messages both ways, closing,
 * office hours (the profile's contact.staffHours) with an out-of-hours message and callback requests.
 *
 * Between instances: conversation turns travel on the assistant's feed (its subscribe(): NOTIFY, so a citizen
 * message on instance A reaches the agent's socket on instance B); inbox events (queued, accepted, closed)
 * travel on the deployment bus (Redis when REDIS_URL is set, else LISTEN/NOTIFY).
 * Free of Fastify: the WebSocket route and tests call the same methods.
 */
import type { InboxItem } from '../../../shared/api/handoff.ts';
import { localDateOf, localTimeOf, weekdayOf } from '../../../shared/zoned-time.ts';
import type { Bus } from '../../bus/bus.ts';
import { busChannel } from '../../bus/bus.ts';
import type { Db } from '../../db/db.ts';
import type { StaffAuth } from '../../http-types.ts';
import { AppError } from '../../errors.ts';
import { t } from '../../i18n.ts';
import type { Language } from '../../../shared/languages.ts';
import { isLanguage } from '../../../shared/languages.ts';
import type { HandoffPort, HandoffRequest, TranscriptTurn } from '../assistant/index.ts';
import { createDbHandoffPort } from '../assistant/index.ts';
import { audit, type AuditActor } from '../identity/index.ts';
import type { OpeningHours, TenantProfile, TenantRegistry } from '../tenants/index.ts';
import { HandoffRepository, type CallbackRow, type HandoffRow } from './handoff.repository.ts';

/** What the inbox needs from the assistant (AssistantService fits). */
export interface ConversationsPort {
  addStaffMessage(tenantId: string, id: string, input: { staffId: string; text: string }): Promise<TranscriptTurn>;
  setStatus(tenantId: string, id: string, status: 'active' | 'waiting_human' | 'with_human' | 'closed'): Promise<void>;
  subscribe(conversationId: string, onTurn: (seq: number) => void): Promise<() => void>;
  turnsAfter(tenantId: string, id: string, afterSeq: number): Promise<TranscriptTurn[]>;
}

export interface StaffActor {
  tenantId: string;
  staffId: string;
  name: string;
  isAdmin: boolean;
  actor: AuditActor;
}

export type { InboxItem } from '../../../shared/api/handoff.ts';

/** A callback request as staff see it. */
export interface Callback {
  id: number;
  name: string;
  phone: string;
  preferredTime: string | null;
  language: string;
  status: 'pending' | 'done';
  /** ISO 8601 */
  createdAt: string;
}

/** The inbox's view of a signed-in agent (`staff`: the session's staff member, `actor`: who to audit). */
export function staffActorOf(staff: Pick<StaffAuth, 'tenantId' | 'staffId' | 'name' | 'roles'>, actor: AuditActor): StaffActor {
  return { tenantId: staff.tenantId, staffId: staff.staffId, name: staff.name, isAdmin: staff.roles.includes('admin'), actor };
}

export type InboxEvent = { type: 'queued' | 'accepted' | 'closed'; requestId: number };

export interface OfficeHoursView {
  isOpen: boolean;
  timeZone: string;
  hours: OpeningHours[];
  /** The out-of-hours message in the requested language, when closed. */
  message: string | null;
}

/** True when someone staffs the inbox at `now` (an empty list means no live staff at all). */
export function isWithinHours(hours: readonly OpeningHours[], timeZone: string, now: Date): boolean {
  const day = weekdayOf(localDateOf(now, timeZone));
  const hm = localTimeOf(now, timeZone);
  return hours.some((h) => h.days.includes(day) && hm >= h.open && hm < h.close);
}

export function inboxChannel(tenantId: string): string {
  return busChannel('handoff', tenantId);
}

export class HandoffService {
  private readonly repo: HandoffRepository;
  private readonly now: () => Date;

  constructor(
    private readonly deps: {
      db: Db;
      bus: Bus;
      tenants: TenantRegistry;
      conversations: ConversationsPort | (() => ConversationsPort);
      now?: () => Date;
    },
  ) {
    this.repo = new HandoffRepository(deps.db);
    this.now = deps.now ?? (() => new Date());
  }

  /** The assistant's hand-off port: queues the request (one per conversation) and tells every instance's inbox. */
  port(): HandoffPort {
    const base = createDbHandoffPort(this.deps.db);
    return {
      request: async (r: HandoffRequest) => {
        const res = await base.request(r);
        if (res.isNew)
          await this.deps.bus.publish(inboxChannel(r.tenantId), { type: 'queued', requestId: res.id } satisfies InboxEvent);
        return res;
      },
    };
  }

  officeHours(tenant: TenantProfile, lang: Language): OfficeHoursView {
    const hours = tenant.contact.staffHours;
    const isOpen = isWithinHours(hours, tenant.timeZone, this.now());
    return { isOpen, timeZone: tenant.timeZone, hours, message: isOpen ? null : t(lang, 'handoff:out_of_hours') };
  }

  async inbox(staff: StaffActor): Promise<InboxItem[]> {
    const rows = await this.repo.listOpen(staff.tenantId);
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      reason: r.reason,
      channel: r.channel,
      kioskId: r.kiosk_id,
      language: r.language,
      status: r.status === 'accepted' ? 'accepted' : 'queued',
      acceptedBy: r.accepted_by,
      acceptedByName: r.accepted_by_name,
      isMine: r.accepted_by === staff.staffId,
      waitingSince: new Date(r.created_at).toISOString(),
    }));
  }

  /** Takes a waiting conversation: exactly one agent wins; the others get 409 handoff.already_taken. */
  async accept(
    staff: StaffActor,
    requestId: number,
  ): Promise<{ requestId: number; conversationId: string; turns: TranscriptTurn[] }> {
    const row = await this.deps.db.transaction(async (tx) => {
      const repo = this.repo.with(tx);
      const taken = await repo.accept(staff.tenantId, requestId, staff.staffId);
      if (!taken) {
        const existing = await repo.find(staff.tenantId, requestId);
        if (!existing || existing.status === 'closed') throw new AppError('handoff.not_found');
        throw new AppError('handoff.already_taken');
      }
      await audit(tx, staff.actor, {
        action: 'handoff.accepted',
        subjectType: 'conversation',
        subjectId: taken.conversation_id,
        details: { requestId },
      });
      return taken;
    });
    await this.conversations().setStatus(staff.tenantId, row.conversation_id, 'with_human');
    // The citizen's stream shows this turn: "a person has joined".
    await this.conversations().addStaffMessage(staff.tenantId, row.conversation_id, {
      staffId: staff.staffId,
      text: t(this.lang(row), 'handoff:joined', { name: firstName(staff.name) }),
    });
    await this.deps.bus.publish(inboxChannel(staff.tenantId), { type: 'accepted', requestId } satisfies InboxEvent);
    return {
      requestId,
      conversationId: row.conversation_id,
      turns: await this.conversations().turnsAfter(staff.tenantId, row.conversation_id, 0),
    };
  }

  /** The conversation's redacted turns for the agent who holds it (or an admin). */
  async transcript(
    staff: StaffActor,
    requestId: number,
    afterSeq = 0,
  ): Promise<{ conversationId: string; turns: TranscriptTurn[] }> {
    const row = await this.held(staff, requestId);
    return {
      conversationId: row.conversation_id,
      turns: await this.conversations().turnsAfter(staff.tenantId, row.conversation_id, afterSeq),
    };
  }

  /** A message from the agent to the citizen; stored redacted by the assistant, audited without its text. */
  async send(staff: StaffActor, requestId: number, text: string): Promise<TranscriptTurn> {
    const row = await this.held(staff, requestId);
    const clean = text.trim().slice(0, 2000);
    if (!clean) throw new AppError('handoff.empty_message');
    const turn = await this.conversations().addStaffMessage(staff.tenantId, row.conversation_id, {
      staffId: staff.staffId,
      text: clean,
    });
    await audit(this.deps.db, staff.actor, {
      action: 'handoff.message_sent',
      subjectType: 'conversation',
      subjectId: row.conversation_id,
      details: { requestId, seq: turn.seq },
    });
    return turn;
  }

  /** Ends the hand-off: the conversation goes back to the assistant. */
  async close(staff: StaffActor, requestId: number): Promise<void> {
    const row = await this.held(staff, requestId);
    await this.conversations().addStaffMessage(staff.tenantId, row.conversation_id, {
      staffId: staff.staffId,
      text: t(this.lang(row), 'handoff:left'),
    });
    await this.deps.db.transaction(async (tx) => {
      await this.repo.with(tx).close(staff.tenantId, requestId);
      await audit(tx, staff.actor, {
        action: 'handoff.closed',
        subjectType: 'conversation',
        subjectId: row.conversation_id,
        details: { requestId },
      });
    });
    await this.conversations().setStatus(staff.tenantId, row.conversation_id, 'active');
    await this.deps.bus.publish(inboxChannel(staff.tenantId), { type: 'closed', requestId } satisfies InboxEvent);
  }

  /**
   * Live turns of a held conversation: `onTurn` gets every turn after `afterSeq`, in order, on whichever
   * instance the citizen wrote. Returns the function that stops watching.
   */
  async watch(
    staff: StaffActor,
    requestId: number,
    afterSeq: number,
    onTurn: (turn: TranscriptTurn) => void,
  ): Promise<() => void> {
    const row = await this.held(staff, requestId);
    let last = afterSeq;
    let isSending = false;
    let isStopped = false;
    const flush = async (): Promise<void> => {
      if (isSending || isStopped) return;
      isSending = true;
      try {
        for (const turn of await this.conversations().turnsAfter(staff.tenantId, row.conversation_id, last)) {
          if (isStopped) break;
          last = turn.seq;
          onTurn(turn);
        }
      } finally {
        isSending = false;
      }
    };
    const unsubscribe = await this.conversations().subscribe(row.conversation_id, (seq) => {
      if (seq > last) void flush().then(() => (seq > last ? flush() : undefined));
    });
    await flush();
    return () => {
      isStopped = true;
      unsubscribe();
    };
  }

  /** Inbox events from every instance (queued, accepted, closed). */
  async subscribeInbox(tenantId: string, onEvent: (e: InboxEvent) => void): Promise<() => Promise<void>> {
    return this.deps.bus.subscribe(inboxChannel(tenantId), (m) => {
      if (m && typeof m === 'object' && 'type' in m && 'requestId' in m) onEvent(m as InboxEvent);
    });
  }

  /** A citizen asks to be called back (out of hours, or instead of waiting). */
  async requestCallback(
    tenant: TenantProfile,
    input: {
      name: string;
      phone: string;
      preferredTime?: string | undefined;
      conversationId?: string | undefined;
      lang: Language;
      citizenDni: string | null;
    },
    actor: AuditActor,
  ): Promise<{ id: number }> {
    return this.deps.db.transaction(async (tx) => {
      // Another council's or a made-up conversation id is a 404, not a broken reference (a 500 the fuzz found).
      if (input.conversationId && !(await this.repo.with(tx).hasConversation(tenant.id, input.conversationId))) {
        throw new AppError('handoff.conversation_not_found');
      }
      const id = await this.repo.with(tx).addCallback({
        tenantId: tenant.id,
        conversationId: input.conversationId ?? null,
        name: input.name.trim(),
        phone: input.phone.trim(),
        citizenDni: input.citizenDni,
        preferredTime: input.preferredTime?.trim() || null,
        language: input.lang,
      });
      await audit(tx, actor, { action: 'handoff.callback_requested', subjectType: 'callback', subjectId: String(id) });
      return { id };
    });
  }

  /** Callback requests with the citizen's name and phone; reading them is audited (personal data). */
  async callbacks(staff: StaffActor, status: 'pending' | 'done'): Promise<Callback[]> {
    const rows = await this.repo.listCallbacks(staff.tenantId, status);
    await audit(this.deps.db, staff.actor, {
      action: 'handoff.callbacks_viewed',
      subjectType: 'callback',
      details: { status, count: rows.length },
    });
    return rows.map(toCallback);
  }

  async markCallbackDone(staff: StaffActor, id: number): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const isDone = await this.repo.with(tx).markCallbackDone(staff.tenantId, id, staff.staffId);
      if (!isDone) throw new AppError('handoff.not_found');
      await audit(tx, staff.actor, { action: 'handoff.callback_done', subjectType: 'callback', subjectId: String(id) });
    });
  }

  /** The repository, for the data-protection provider of this domain. */
  repository(): HandoffRepository {
    return this.repo;
  }

  /** The request, when this agent holds it (admins may step into any accepted one). */
  private async held(staff: StaffActor, requestId: number): Promise<HandoffRow> {
    const row = await this.repo.find(staff.tenantId, requestId);
    if (!row || row.status === 'closed') throw new AppError('handoff.not_found');
    if (row.status !== 'accepted' || (row.accepted_by !== staff.staffId && !staff.isAdmin))
      throw new AppError('handoff.not_yours');
    return row;
  }

  /** The assistant is built after the inbox (it needs the inbox's port), so it may be passed late-bound. */
  private conversations(): ConversationsPort {
    const c = this.deps.conversations;
    return typeof c === 'function' ? c() : c;
  }

  private lang(row: HandoffRow): Language {
    return isLanguage(row.language) ? row.language : this.deps.tenants.get(row.tenant_id).defaultLanguage;
  }
}

function toCallback(c: CallbackRow): Callback {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone,
    preferredTime: c.preferred_time,
    language: c.language,
    status: c.status,
    createdAt: new Date(c.created_at).toISOString(),
  };
}

/** Citizens see the agent's first name only. */
function firstName(name: string): string {
  return name.split(/[\s(]/)[0] ?? name;
}
