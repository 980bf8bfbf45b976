/** What a citizen owes (GET /api/v1/payments/pending), for the payments service, the assistant and the pay page. */
export type DebtKind = 'receipt' | 'liquidation' | 'self_assessment' | 'fine';

export interface PendingItem {
  id: string;
  kind: DebtKind;
  taxCode: string;
  taxName: string;
  reference: string;
  concept: string;
  fiscalYear: number;
  /** The full amount, cents. */
  amountCents: number;
  /** What is due today, cents (fines inside the voluntary period: with the reduction). */
  amountDueCents: number;
  reductionPercent: number;
  isInVoluntaryPeriod: boolean;
  voluntaryStart: string;
  voluntaryEnd: string;
  status: 'pending' | 'paid';
}

/**
 * A mobile number in E.164 (+34600111222), from what people type: spaces, dots, dashes and brackets are dropped and
 * a leading 00 becomes +. Undefined when it is not a full international number (server and web use the same rule).
 */
export function normalizePhone(input: string): string | undefined {
  const compact = input.trim().replace(/[\s.\-()]/g, '').replace(/^00/, '+');
  return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : undefined;
}

/** The citizen's payment reminder choice (GET/PUT /api/v1/payments/reminders). */
export interface ReminderPrefs {
  isEmail: boolean;
  isSms: boolean;
  email: string | null;
  /** E.164. */
  phone: string | null;
  /** False when this server has no SMS provider (SMS_URL unset): the phone option is not offered. */
  isSmsAvailable: boolean;
}
