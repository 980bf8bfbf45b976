/**
 * What the assistant needs from other modules, as small structural interfaces. The real services fit them
 * (NluService, AskService, the appointments/payments/filings/padrón services); the registry wires them all.
 */
import type { PendingItem } from '../../../shared/api/payments.ts';
import type { Language } from '../../../shared/languages.ts';
import type { Channel } from '../../http-types.ts';
import type { ModerateOptions, ModerationResult } from '../moderation/index.ts';

/** The structured replies the API sends (shared with the web app: src/shared/api/chat.ts). */
export type { Reply, QuickReply, CardKind, Card } from '../../../shared/api/chat.ts';

// ---- NLU ----------------------------------------------------------------------------------------------

export interface NluEntity {
  type: string;
  value: string | number;
  text: string;
  start: number;
  end: number;
}

export interface NluParse {
  language: { code: Language; confidence: number };
  intent: { name: string; confidence: number };
  alternatives: { name: string; confidence: number }[];
  entities: NluEntity[];
}

export interface NluPort {
  parse(input: { text: string; tenantId?: string; conversationLang?: Language; now?: Date }): NluParse;
  /** The council's answer and link for one of its own intents. */
  customAnswer?(tenantId: string, intent: string, lang: Language): { text: string; link?: string } | undefined;
  intentNames?(tenantId?: string): string[];
}

// ---- Moderation ---------------------------------------------------------------------------------------

/**
 * The moderation module's own result and options (not a copy: a field it adds or renames is a compile error
 * here), so the dialog sees `shouldEndConversation` and the reply's links.
 */
export interface ModerationPort {
  /** The text with personal data replaced by placeholders: what we store and log. */
  redact: (text: string) => string;
  /** `previousAbuse`: abusive messages earlier in this conversation; `ineCode`: the council, for regional referrals. */
  moderate(text: string, opts: ModerateOptions): ModerationResult | Promise<ModerationResult>;
}

// ---- Q&A ----------------------------------------------------------------------------------------------

export interface AskAnswer {
  answer: string;
  language: Language;
  confidence: number;
  sources: { url: string; title: string; snippet?: string }[];
  handoffSuggested?: boolean;
}

export interface AskPort {
  ask(input: { question: string; lang?: Language; tenantId: string }): Promise<AskAnswer>;
}

// ---- Hand-off -----------------------------------------------------------------------------------------

export type HandoffReason = 'asked' | 'misunderstood' | 'low_confidence' | 'crisis';

export interface HandoffRequest {
  tenantId: string;
  conversationId: string;
  reason: HandoffReason;
  channel: string;
  kioskId: string | null;
  language: Language;
}

/** The staff inbox builds on this; the default stores a queued row in handoff_requests. */
export interface HandoffPort {
  request(r: HandoffRequest): Promise<{ id: number; isNew: boolean }>;
}

// ---- Procedures ---------------------------------------------------------------------------------------

export interface ProcedureCtx {
  channel: Channel;
  kioskId?: string | undefined;
  lang: Language;
  requestId?: string | undefined;
}

export interface DayAvailabilityView {
  officeId: string;
  date: string;
  slots: { startsAt: string; time: string; free: number }[];
}

export interface AppointmentView {
  id: string;
  code: string;
  serviceId: string;
  serviceName: string;
  officeId: string;
  officeName: string;
  officeAddress: string;
  startsAt: string;
  localDate: string;
  localTime: string;
  status: 'booked' | 'cancelled';
}

export interface AppointmentsPort {
  availability(tenantId: string, q: { serviceId: string; officeId?: string | undefined; from?: string | undefined; days?: number | undefined }): Promise<DayAvailabilityView[]>;
  book(tenantId: string, dni: string, input: { serviceId: string; officeId: string; startsAt: string }, ctx: ProcedureCtx): Promise<AppointmentView>;
  listMine(tenantId: string, dni: string, lang: Language): Promise<AppointmentView[]>;
  cancel(tenantId: string, dni: string, id: string, ctx: ProcedureCtx): Promise<AppointmentView>;
  reschedule(tenantId: string, dni: string, id: string, input: { startsAt: string; officeId?: string | undefined }, ctx: ProcedureCtx): Promise<AppointmentView>;
}

/** What the assistant reads of a pending debt (the payments service returns the whole PendingItem). */
export type PendingDebtView = Pick<PendingItem, 'id' | 'kind' | 'taxName' | 'reference' | 'concept' | 'amountCents' | 'amountDueCents' | 'reductionPercent' | 'isInVoluntaryPeriod' | 'voluntaryEnd'>;

export interface PaymentsPort {
  listPending(tenantId: string, dni: string, lang: Language): Promise<PendingDebtView[]>;
  startPayment(tenantId: string, dni: string, input: { debtId: string }, ctx: ProcedureCtx): Promise<{ paymentId: string; amountCents: number; redirectForm: { url: string; method: 'POST' | 'GET'; fields: Record<string, string> } }>;
}

export interface FilingView {
  id: string;
  registryNumber: string;
  subject: string;
  departmentName: string;
  status: string;
  createdAt: string;
  receiptCode: string | null;
}

export interface FilingsPort {
  create(tenantId: string, dni: string, input: { subject: string; body: string; departmentId: string }, ctx: ProcedureCtx): Promise<FilingView>;
  listMine(tenantId: string, dni: string, lang: Language): Promise<FilingView[]>;
  status(tenantId: string, dni: string, registryNumber: string, lang: Language): Promise<FilingView>;
}

export interface IssuedCertificateView {
  code: string;
  displayCode: string;
  verifyUrl: string;
  /** Where the signed PDF can be downloaded. */
  pdfUrl: string;
}

export interface PadronCertificatesPort {
  issue(tenantId: string, dni: string, kind: 'individual' | 'collective', ctx: ProcedureCtx): Promise<IssuedCertificateView>;
}

/** The procedure services the dialogs carry out (every deployment has them all; a council's profile chooses which it offers). */
export interface ProcedurePorts {
  appointments: AppointmentsPort;
  payments: PaymentsPort;
  filings: FilingsPort;
  padronCertificates: PadronCertificatesPort;
}
