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
