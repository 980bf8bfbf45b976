/** Money rules, integer cents only. */

export interface DebtTerms {
  amountCents: number;
  /** Percent taken off inside the voluntary period (traffic fines: 50). */
  reductionPercent: number;
  voluntaryStart: string;
  voluntaryEnd: string;
}

/** True when `today` (YYYY-MM-DD, council time) falls inside the voluntary period, both ends included. */
export function isInVoluntaryPeriod(terms: Pick<DebtTerms, 'voluntaryStart' | 'voluntaryEnd'>, today: string): boolean {
  return today >= terms.voluntaryStart && today <= terms.voluntaryEnd;
}

/**
 * What the citizen pays today, in cents. The reduction is rounded down (in the citizen's favour by at most one
 * cent is not allowed by the ordinance, so we round the *discount* down and the amount due up): 50 % of 10 001
 * cents due is 5 001.
 */
export function amountDueCents(terms: DebtTerms, today: string): number {
  if (terms.reductionPercent <= 0 || !isInVoluntaryPeriod(terms, today)) return terms.amountCents;
  const discount = Math.floor((terms.amountCents * terms.reductionPercent) / 100);
  return terms.amountCents - discount;
}
