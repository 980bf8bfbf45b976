/**
 * Driving the dialog manager turn by turn without a database: the real NLU (trained from data/nlu), the real
 * moderation, Alicante's profile, and small in-memory procedure ports (the assistant's own seam). Every state
 * goes through JSON and loadDialogState between turns, as the service stores and loads it, so a flow that wrote
 * something its schema rejects fails here.
 */
import { expect } from 'vitest';
import { AppError } from '../../../errors.ts';
import { DEMO_TENANTS_DIR } from '../../../testing/test-db.ts';
import { createModerationModule } from '../../moderation/index.ts';
import { NluService } from '../../nlu/index.ts';
import { TenantRegistry, loadTenantsDir, type TenantProfile } from '../../tenants/index.ts';
import type { AppointmentView, FilingView, NluParse, NluPort, PendingDebtView, ProcedurePorts, Reply } from '../assistant.ports.ts';
import { DialogManager } from './dialog-manager.ts';
import { loadDialogState } from './dialog-state.ts';
import { initialState, type DialogState, type TurnOutcome } from './dialog.types.ts';

export const tenants = new TenantRegistry(loadTenantsDir(DEMO_TENANTS_DIR));
export const alacant = tenants.get('alacant');
/** Thursday 3 December 2026, 10:00 in Alicante. */
export const NOW = new Date('2026-12-03T09:00:00Z');

let sharedNlu: NluService | undefined;
/** One trained NLU per test file (training takes about a second). */
export function realNlu(): NluService {
  sharedNlu ??= new NluService({ tenants });
  return sharedNlu;
}

/** What the in-memory ports were asked to do. */
export interface PortLog {
  booked: { dni: string; serviceId: string; officeId: string; startsAt: string }[];
  cancelled: string[];
  rescheduled: { id: string; startsAt: string; officeId: string | undefined }[];
  paymentsStarted: string[];
  filed: { dni: string; departmentId: string; subject: string; body: string }[];
  certificates: { dni: string; kind: string }[];
}

export interface FakeRegisters {
  /** Days (YYYY-MM-DD) with no free time at all. */
  fullDays?: string[];
  appointments?: AppointmentView[];
  debts?: PendingDebtView[];
  filings?: FilingView[];
}

const TIMES = ['09:00', '09:15', '10:00', '11:30', '12:00'];

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** In-memory procedure ports over a few appointments, debts and filings; what they did goes to `log`. */
export function memoryPorts(registers: FakeRegisters = {}): { ports: ProcedurePorts; log: PortLog } {
  const log: PortLog = { booked: [], cancelled: [], rescheduled: [], paymentsStarted: [], filed: [], certificates: [] };
  const view = (id: string, startsAt: string, officeId: string): AppointmentView => ({
    id, code: `CITA-${id}`, serviceId: 'padron', serviceName: 'Padrón y certificados', officeId, officeName: officeId === 'benalua' ? 'Oficina de Benalúa' : 'Oficina Centro', officeAddress: 'Calle 1',
    startsAt, localDate: startsAt.slice(0, 10), localTime: startsAt.slice(11, 16), status: 'booked',
  });
  const ports: ProcedurePorts = {
    appointments: {
      async availability(_tenantId, q) {
        const from = q.from ?? '2026-12-03';
        const days = Array.from({ length: q.days ?? 1 }, (_, i) => addDays(from, i));
        const offices = q.officeId ? [q.officeId] : ['centre'];
        return days.flatMap((date) => offices.map((officeId) => ({ officeId, date, slots: TIMES.map((time) => ({ startsAt: `${date}T${time}:00+01:00`, time, free: registers.fullDays?.includes(date) ? 0 : 1 })) })));
      },
      async book(_tenantId, dni, input) {
        log.booked.push({ dni, ...input });
        return view('b1', input.startsAt, input.officeId);
      },
      async listMine() {
        return registers.appointments ?? [];
      },
      async cancel(_tenantId, _dni, id) {
        log.cancelled.push(id);
        const a = registers.appointments?.find((x) => x.id === id);
        if (!a) throw new AppError('appointments.not_found');
        return { ...a, status: 'cancelled' };
      },
      async reschedule(_tenantId, _dni, id, input) {
        log.rescheduled.push({ id, startsAt: input.startsAt, officeId: input.officeId });
        return view(id, input.startsAt, input.officeId ?? 'centre');
      },
    },
    payments: {
      async listPending() {
        return registers.debts ?? [];
      },
      async startPayment(_tenantId, _dni, input) {
        log.paymentsStarted.push(input.debtId);
        const d = registers.debts?.find((x) => x.id === input.debtId);
        return { paymentId: 'pay-1', amountCents: d?.amountDueCents ?? 0, redirectForm: { url: 'https://gateway.example/pay', method: 'POST', fields: { order: input.debtId } } };
      },
    },
    filings: {
      async create(_tenantId, dni, input) {
        log.filed.push({ dni, ...input });
        return { id: 'f1', registryNumber: 'REG-2026-000042', subject: input.subject, departmentName: input.departmentId, status: 'registered', createdAt: NOW.toISOString(), receiptCode: 'RCPT-0042' };
      },
      async listMine() {
        return registers.filings ?? [];
      },
      async status(_tenantId, _dni, registryNumber) {
        const f = registers.filings?.find((x) => x.registryNumber === registryNumber);
        if (!f) throw new AppError('filings.not_found');
        return f;
      },
    },
    padronCertificates: {
      async issue(_tenantId, dni, kind) {
        log.certificates.push({ dni, kind });
        return { code: 'ABC123', displayCode: 'ABC-123', verifyUrl: '/verify/ABC123', pdfUrl: '/t/alacant/api/v1/certificates/padron/ABC123/pdf' };
      },
    },
  };
  return { ports, log };
}

/** An NLU port that answers each message with the next recorded parse (for the thresholds). */
export function recordedNlu(...parses: NluParse[]): NluPort {
  const queue = [...parses];
  return {
    parse() {
      const next = queue.shift();
      if (!next) throw new Error('no recorded parse left');
      return structuredClone(next);
    },
  };
}

/** A recorded parse: the top intent, the alternatives and the language identification, no entities. */
export function parseOf(intent: [string, number], alternatives: [string, number][] = [], language: [NluParse['language']['code'], number] = ['es', 0.99]): NluParse {
  return { language: { code: language[0], confidence: language[1] }, intent: { name: intent[0], confidence: intent[1] }, alternatives: alternatives.map(([name, confidence]) => ({ name, confidence })), entities: [] };
}

/** A conversation with the dialog manager, its state stored and loaded between turns like the service does. */
export class Chat {
  state: DialogState = initialState();
  last: TurnOutcome | undefined;

  constructor(
    private readonly dialog: DialogManager,
    public lang: 'es' | 'ca' | 'en',
    public citizen: { dni: string; givenName: string } | undefined,
    private readonly tenant: TenantProfile = alacant,
  ) {}

  async send(msg: string | { action: string }): Promise<Reply[]> {
    const input = typeof msg === 'string' ? { text: msg } : msg;
    const outcome = await this.dialog.handle(input, { tenant: this.tenant, conversationId: 'c1', lang: this.lang, citizen: this.citizen, proc: { channel: 'web' }, now: NOW }, this.state);
    const stored: unknown = JSON.parse(JSON.stringify(outcome.state));
    const loaded = loadDialogState(stored);
    // What a flow writes must load back unchanged.
    expect(loaded).toEqual(stored);
    this.state = loaded;
    this.lang = outcome.lang;
    this.last = outcome;
    return outcome.replies;
  }

  get step(): string | undefined {
    return this.state.active?.step;
  }
}

/** A chat over the real NLU and moderation, with the given in-memory registers. */
export function chatWith(lang: 'es' | 'ca' | 'en', registers: FakeRegisters = {}, opts: { citizen?: { dni: string; givenName: string } | undefined; nlu?: NluPort } = {}) {
  const { ports, log } = memoryPorts(registers);
  const dialog = new DialogManager({ nlu: opts.nlu ?? realNlu(), moderation: createModerationModule().port, procedures: ports });
  const chat = new Chat(dialog, lang, 'citizen' in opts ? opts.citizen : { dni: '12345678Z', givenName: 'María' });
  return { chat, log };
}

export const texts = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'text' ? [r.text] : [])).join('\n');
export const payloads = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'quick_replies' ? r.options.map((o) => o.payload) : []));
export const cards = (rs: Reply[]) => rs.flatMap((r) => (r.type === 'card' ? [r.card] : []));
