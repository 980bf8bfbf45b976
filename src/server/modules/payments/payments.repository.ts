import type { Queryable } from '../../db/db.ts';
import { outboxTable, type FailedOutboxRow, type OutboxBacklogRow, type OutboxOutcome } from '../../db/outbox.ts';
import type { ExternalDebt } from '../connectors/index.ts';
import type { RedirectForm } from './gateway/payment-gateway.ts';
import type { DebtKind } from '../../../shared/api/payments.ts';
export type { DebtKind };

export interface DebtRow {
  id: string;
  tenant_id: string;
  dni: string;
  kind: DebtKind;
  tax_code: string;
  reference: string;
  concept: string;
  fiscal_year: number;
  amount_cents: number;
  reduction_percent: number;
  voluntary_start: string;
  voluntary_end: string;
  status: 'pending' | 'paid';
  paid_at: Date | null;
  paid_amount_cents: number | null;
  payment_id: string | null;
}

/** expired: an open order nobody finished in time, superseded by a newer one for the same debt. */
export type PaymentStatus = 'created' | 'paid' | 'denied' | 'rejected' | 'expired';

export interface PaymentRow {
  id: string;
  /** The receipt's reference (IBI-2026-…), read only where a person is shown the payment. */
  debt_reference?: string | null;
  tenant_id: string;
  debt_id: string;
  dni: string;
  order_id: string;
  gateway: string;
  amount_cents: number;
  status: PaymentStatus;
  status_reason: string | null;
  gateway_reference: string | null;
  receipt_code: string | null;
  channel: string;
  kiosk_id: string | null;
  language: string;
  created_at: Date;
  settled_at: Date | null;
  /** Until when the order is open: a start meanwhile gets this same order back. */
  expires_at: Date;
  /** The gateway form handed out for this order (JSON), handed out again to a second start. */
  redirect_form: string | null;
}

export type RefundReason = 'already_paid' | 'amount_mismatch' | 'late' | 'unknown_order';
export type RefundStatus = 'pending' | 'refunded' | 'refund_by_hand' | 'failed';

export interface RefundRow {
  id: string;
  tenant_id: string;
  gateway: string;
  order_id: string;
  payment_id: string | null;
  debt_id: string | null;
  dni: string | null;
  amount_cents: number;
  reason: RefundReason;
  status: RefundStatus;
  refund_mode: 'auto' | 'manual';
  gateway_response: string | null;
  attempts: number;
  last_error: string | null;
  resolved_by: string | null;
  created_at: Date;
  resolved_at: Date | null;
  /** Joined from the debt, when there is one (for the staff console). */
  reference: string | null;
}

/** A refund case claimed for sending to its gateway. */
export interface RefundClaim {
  id: string;
  tenant_id: string;
  gateway: string;
  order_id: string;
  amount_cents: number;
  attempts: number;
}

const DEBT_COLS = `id, tenant_id, dni, kind, tax_code, reference, concept, fiscal_year, amount_cents, reduction_percent,
  voluntary_start, voluntary_end, status, paid_at, paid_amount_cents, payment_id`;
const PAYMENT_COLS = `id, tenant_id, debt_id, dni, order_id, gateway, amount_cents, status, status_reason, gateway_reference, receipt_code,
  channel, kiosk_id, language, created_at, settled_at, expires_at, redirect_form`;
const REFUND_COLS = `r.id, r.tenant_id, r.gateway, r.order_id, r.payment_id, r.debt_id, r.dni, r.amount_cents, r.reason, r.status, r.refund_mode,
  r.gateway_response, r.attempts, r.last_error, r.resolved_by, r.created_at, r.resolved_at, d.reference`;

/** A payment_exports row as a sender claims it. */
export interface ClaimedPaymentExport {
  payment_id: string;
  tenant_id: string;
  attempts: number;
}

// The shape shared with the registry and calendar outboxes since migration 0610.
const paymentExports = outboxTable('payment_exports', 'payment_id');

/** The only SQL for receipts, fines and payments. */
export const paymentsRepository = {
  async listDebts(q: Queryable, tenantId: string, dni: string, status?: 'pending' | 'paid'): Promise<DebtRow[]> {
    const res = await q.query<DebtRow>(
      `SELECT ${DEBT_COLS} FROM tax_debts WHERE tenant_id = $1 AND dni = $2 ${status ? 'AND status = $3' : ''}
        ORDER BY voluntary_end, reference`,
      status ? [tenantId, dni, status] : [tenantId, dni],
    );
    return res.rows;
  },

  async findDebt(q: Queryable, tenantId: string, dni: string, id: string): Promise<DebtRow | undefined> {
    const res = await q.query<DebtRow>(`SELECT ${DEBT_COLS} FROM tax_debts WHERE tenant_id = $1 AND dni = $2 AND id = $3`, [tenantId, dni, id]);
    return res.rows[0];
  },

  async insertDebt(q: Queryable, d: Omit<DebtRow, 'status' | 'paid_at' | 'paid_amount_cents' | 'payment_id'>): Promise<void> {
    await q.query(
      `INSERT INTO tax_debts (id, tenant_id, dni, kind, tax_code, reference, concept, fiscal_year, amount_cents, reduction_percent, voluntary_start, voluntary_end)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [d.id, d.tenant_id, d.dni, d.kind, d.tax_code, d.reference, d.concept, d.fiscal_year, d.amount_cents, d.reduction_percent, d.voluntary_start, d.voluntary_end],
    );
  },

  async insertPayment(
    q: Queryable,
    p: {
      id: string;
      tenantId: string;
      debtId: string;
      dni: string;
      orderId: string;
      gateway: string;
      amountCents: number;
      channel: string;
      kioskId: string | null;
      language: string;
      expiresAt: Date;
      redirectForm: RedirectForm;
    },
  ): Promise<void> {
    await q.query(
      `INSERT INTO payments (id, tenant_id, debt_id, dni, order_id, gateway, amount_cents, status, channel, kiosk_id, language, expires_at, redirect_form)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'created', $8, $9, $10, $11, $12)`,
      [p.id, p.tenantId, p.debtId, p.dni, p.orderId, p.gateway, p.amountCents, p.channel, p.kioskId, p.language, p.expiresAt, JSON.stringify(p.redirectForm)],
    );
  },

  /**
   * Locks the citizen's debt for the transaction: starts for one debt run one at a time, so the second finds the
   * first's open order instead of opening another (the partial unique index is the backstop).
   */
  async lockDebt(q: Queryable, tenantId: string, dni: string, debtId: string): Promise<DebtRow | undefined> {
    const res = await q.query<DebtRow>(`SELECT ${DEBT_COLS} FROM tax_debts WHERE tenant_id = $1 AND dni = $2 AND id = $3 FOR UPDATE`, [tenantId, dni, debtId]);
    return res.rows[0];
  },

  /** The debt's open order (status created), if any: at most one (payments_one_open_per_debt). */
  async findOpenPayment(q: Queryable, tenantId: string, debtId: string): Promise<PaymentRow | undefined> {
    const res = await q.query<PaymentRow>(`SELECT ${PAYMENT_COLS} FROM payments WHERE tenant_id = $1 AND debt_id = $2 AND status = 'created'`, [tenantId, debtId]);
    return res.rows[0];
  },

  /** Closes an open order whose time ran out, so a new one can open; false when it was no longer open. */
  async supersedePayment(q: Queryable, tenantId: string, id: string): Promise<boolean> {
    const res = await q.query(`UPDATE payments SET status = 'expired', status_reason = 'superseded', settled_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'created' RETURNING id`, [tenantId, id]);
    return res.rows.length === 1;
  },

  /** Stores the form of an order opened before forms were stored (handed out again from then on). */
  async setRedirectForm(q: Queryable, tenantId: string, id: string, form: RedirectForm): Promise<void> {
    await q.query(`UPDATE payments SET redirect_form = $3 WHERE tenant_id = $1 AND id = $2 AND redirect_form IS NULL`, [tenantId, id, JSON.stringify(form)]);
  },

  /** The payment for an order, locked for the transaction: notifications for one order are processed one at a time. */
  async lockPaymentByOrder(q: Queryable, tenantId: string, orderId: string): Promise<PaymentRow | undefined> {
    const res = await q.query<PaymentRow>(`SELECT ${PAYMENT_COLS} FROM payments WHERE tenant_id = $1 AND order_id = $2 FOR UPDATE`, [tenantId, orderId]);
    return res.rows[0];
  },

  /** A payment by id, whoever made it: for jobs (tax-system exports, receipts), never for a citizen's request. */
  async findPaymentById(q: Queryable, tenantId: string, id: string): Promise<PaymentRow | undefined> {
    const res = await q.query<PaymentRow>(`SELECT ${PAYMENT_COLS} FROM payments WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return res.rows[0];
  },

  async findPaymentForCitizen(q: Queryable, tenantId: string, dni: string, id: string): Promise<PaymentRow | undefined> {
    const res = await q.query<PaymentRow>(`SELECT ${PAYMENT_COLS}, (SELECT d.reference FROM tax_debts d WHERE d.tenant_id = payments.tenant_id AND d.id = payments.debt_id) AS debt_reference FROM payments WHERE tenant_id = $1 AND dni = $2 AND id = $3`, [tenantId, dni, id]);
    return res.rows[0];
  },

  async listPaymentsForCitizen(q: Queryable, tenantId: string, dni: string): Promise<PaymentRow[]> {
    const res = await q.query<PaymentRow>(`SELECT ${PAYMENT_COLS}, (SELECT d.reference FROM tax_debts d WHERE d.tenant_id = payments.tenant_id AND d.id = payments.debt_id) AS debt_reference FROM payments WHERE tenant_id = $1 AND dni = $2 ORDER BY created_at DESC`, [tenantId, dni]);
    return res.rows;
  },

  async settlePayment(q: Queryable, tenantId: string, id: string, status: PaymentStatus, reason: string | null, gatewayRef: string | null): Promise<void> {
    await q.query(
      `UPDATE payments SET status = $3, status_reason = $4, gateway_reference = $5, settled_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, status, reason, gatewayRef],
    );
  },

  /** Marks the debt paid only if still pending: false when another payment got there first. */
  async markDebtPaid(q: Queryable, tenantId: string, debtId: string, paymentId: string, amountCents: number): Promise<boolean> {
    const res = await q.query(
      `UPDATE tax_debts SET status = 'paid', paid_at = now(), paid_amount_cents = $4, payment_id = $3
        WHERE tenant_id = $1 AND id = $2 AND status = 'pending' RETURNING id`,
      [tenantId, debtId, paymentId, amountCents],
    );
    return res.rows.length === 1;
  },

  async setReceiptCode(q: Queryable, tenantId: string, id: string, code: string): Promise<boolean> {
    const res = await q.query(`UPDATE payments SET receipt_code = $3 WHERE tenant_id = $1 AND id = $2 AND receipt_code IS NULL RETURNING id`, [tenantId, id, code]);
    return res.rows.length === 1;
  },

  async findDebtById(q: Queryable, tenantId: string, id: string): Promise<DebtRow | undefined> {
    const res = await q.query<DebtRow>(`SELECT ${DEBT_COLS} FROM tax_debts WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    return res.rows[0];
  },

  async recordNotification(q: Queryable, tenantId: string, orderId: string, outcome: string, payloadSha256: string): Promise<void> {
    await q.query(`INSERT INTO payment_notifications (tenant_id, order_id, outcome, payload_sha256) VALUES ($1, $2, $3, $4)`, [tenantId, orderId, outcome, payloadSha256]);
  },

  /** Pending debts whose reminders may be due, with the citizen's opt-ins (every council). */
  async reminderCandidates(q: Queryable, today: string): Promise<(DebtRow & { email: string | null; phone: string | null; language: string; is_email: boolean; is_sms: boolean })[]> {
    const res = await q.query<DebtRow & { email: string | null; phone: string | null; language: string; is_email: boolean; is_sms: boolean }>(
      `SELECT d.id, d.tenant_id, d.dni, d.kind, d.tax_code, d.reference, d.concept, d.fiscal_year, d.amount_cents, d.reduction_percent,
              d.voluntary_start, d.voluntary_end, d.status, d.paid_at, d.paid_amount_cents, d.payment_id,
              c.email, c.phone, c.language, c.is_payment_reminders_email AS is_email, c.is_payment_reminders_sms AS is_sms
         FROM tax_debts d JOIN citizen_contacts c ON c.tenant_id = d.tenant_id AND c.dni = d.dni
        WHERE d.status = 'pending' AND d.voluntary_start <= $1::date AND d.voluntary_end >= $1::date
          AND (c.is_payment_reminders_email OR c.is_payment_reminders_sms)
        ORDER BY d.tenant_id, d.id`,
      [today],
    );
    return res.rows;
  },

  /** The citizen's contact and reminder opt-ins, if any were ever stored. */
  async findReminderPrefs(q: Queryable, tenantId: string, dni: string): Promise<{ email: string | null; phone: string | null; is_email: boolean; is_sms: boolean } | undefined> {
    const res = await q.query<{ email: string | null; phone: string | null; is_email: boolean; is_sms: boolean }>(
      `SELECT email, phone, is_payment_reminders_email AS is_email, is_payment_reminders_sms AS is_sms FROM citizen_contacts WHERE tenant_id = $1 AND dni = $2`,
      [tenantId, dni],
    );
    return res.rows[0];
  },

  /** Stores the opt-ins; an e-mail or phone left undefined keeps the stored one, a null phone removes it. */
  async upsertReminderPrefs(q: Queryable, p: { tenantId: string; dni: string; email: string | undefined; phone: string | null | undefined; language: string; isEmail: boolean; isSms: boolean }): Promise<void> {
    await q.query(
      `INSERT INTO citizen_contacts (tenant_id, dni, email, phone, language, is_payment_reminders_email, is_payment_reminders_sms)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, dni) DO UPDATE SET email = COALESCE($3, citizen_contacts.email),
         phone = CASE WHEN $8 THEN $4 ELSE citizen_contacts.phone END,
         is_payment_reminders_email = $6, is_payment_reminders_sms = $7, language = $5, updated_at = now()`,
      [p.tenantId, p.dni, p.email ?? null, p.phone ?? null, p.language, p.isEmail, p.isSms, p.phone !== undefined],
    );
  },

  /** Claims one reminder; false when it was already sent (the primary key makes the job idempotent). */
  async claimReminder(q: Queryable, tenantId: string, debtId: string, kind: 'period_open' | 'period_ending', channel: 'email' | 'sms'): Promise<boolean> {
    const res = await q.query(
      `INSERT INTO payment_reminders (tenant_id, debt_id, kind, channel) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING debt_id`,
      [tenantId, debtId, kind, channel],
    );
    return res.rows.length === 1;
  },

  async payerName(q: Queryable, tenantId: string, dni: string): Promise<string | undefined> {
    const res = await q.query<{ name: string }>(`SELECT given_name || ' ' || surname AS name FROM padron_inhabitants WHERE tenant_id = $1 AND dni = $2`, [tenantId, dni]);
    return res.rows[0]?.name;
  },

  /**
   * Mirrors one debt listed by the council's tax system. A debt we hold as pending takes the tax system's terms; one
   * the tax system reports paid becomes paid elsewhere; a debt paid here never goes back to pending. A reference
   * held for another citizen is left alone (returns false).
   */
  async upsertExternalDebt(q: Queryable, tenantId: string, dni: string, id: string, d: ExternalDebt): Promise<boolean> {
    const res = await q.query(
      `INSERT INTO tax_debts (id, tenant_id, dni, kind, tax_code, reference, concept, fiscal_year, amount_cents, reduction_percent,
              voluntary_start, voluntary_end, status, is_paid_elsewhere, paid_at, synced_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13 = 'paid', CASE WHEN $13 = 'paid' THEN now() END, now())
       ON CONFLICT (tenant_id, reference) DO UPDATE SET
         kind = EXCLUDED.kind, tax_code = EXCLUDED.tax_code, concept = EXCLUDED.concept, fiscal_year = EXCLUDED.fiscal_year,
         amount_cents = CASE WHEN tax_debts.status = 'pending' THEN EXCLUDED.amount_cents ELSE tax_debts.amount_cents END,
         reduction_percent = EXCLUDED.reduction_percent, voluntary_start = EXCLUDED.voluntary_start, voluntary_end = EXCLUDED.voluntary_end,
         is_paid_elsewhere = tax_debts.is_paid_elsewhere OR (tax_debts.status = 'pending' AND EXCLUDED.status = 'paid'),
         paid_at = CASE WHEN tax_debts.status = 'pending' AND EXCLUDED.status = 'paid' THEN now() ELSE tax_debts.paid_at END,
         status = CASE WHEN EXCLUDED.status = 'paid' THEN 'paid' ELSE tax_debts.status END,
         synced_at = now()
       WHERE tax_debts.dni = EXCLUDED.dni
       RETURNING id`,
      [id, tenantId, dni, d.kind, d.taxCode, d.reference, d.concept, d.fiscalYear, d.amountCents, d.reductionPercent, d.voluntaryStart, d.voluntaryEnd, d.status],
    );
    return res.rows.length === 1;
  },

  /** Payments still to record in the tax systems, per council and status (for /metrics). */
  exportBacklog: (q: Queryable, now: Date): Promise<OutboxBacklogRow[]> => paymentExports.backlog(q, now),

  /** Queues a paid payment for the tax system, in the payment's transaction; due at `now`. */
  async queueExport(q: Queryable, tenantId: string, paymentId: string, now: Date): Promise<void> {
    await q.query(`INSERT INTO payment_exports (payment_id, tenant_id, next_attempt_at, created_at) VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING`, [paymentId, tenantId, now]);
  },

  /** Claims up to `limit` due exports for `leaseSeconds` and counts the attempt (the shared outbox claim). */
  claimExports: (q: Queryable, now: Date, limit: number, leaseSeconds: number): Promise<ClaimedPaymentExport[]> => paymentExports.claim<ClaimedPaymentExport>(q, now, limit, leaseSeconds),

  /** Records how one delivery to the tax system went. */
  finishExport: (q: Queryable, paymentId: string, now: Date, outcome: OutboxOutcome): Promise<void> => paymentExports.finish(q, paymentId, now, outcome),

  /** The payments the council's tax system refused for good (key: the payment id). */
  async failedExports(q: Queryable, tenantId: string): Promise<FailedOutboxRow[]> {
    // With the receipt's reference, the order and the amount: what staff find the payment by in both systems.
    const res = await q.query<FailedOutboxRow>(
      `SELECT e.payment_id AS key, e.attempts, e.last_error, e.created_at,
              jsonb_build_object('reference', d.reference, 'order_id', p.order_id, 'amount_cents', p.amount_cents) AS about
         FROM payment_exports e JOIN payments p ON p.id = e.payment_id AND p.tenant_id = e.tenant_id
              LEFT JOIN tax_debts d ON d.id = p.debt_id AND d.tenant_id = p.tenant_id
        WHERE e.tenant_id = $1 AND e.status = 'failed' ORDER BY e.created_at, e.payment_id`,
      [tenantId],
    );
    return res.rows;
  },

  /** Sends a refused payment again; false when it is not a failed export of this council. */
  requeueExport: (q: Queryable, tenantId: string, paymentId: string, now: Date): Promise<boolean> => paymentExports.requeue(q, tenantId, paymentId, now),

  /**
   * Opens the refund case of an order, in the notification's transaction; undefined when the order already has one
   * (a repeated notification opens no second case).
   */
  async insertRefundCase(
    q: Queryable,
    c: { id: string; tenantId: string; gateway: string; orderId: string; paymentId: string | null; debtId: string | null; dni: string | null; amountCents: number; reason: RefundReason; mode: 'auto' | 'manual'; now: Date },
  ): Promise<string | undefined> {
    // Due at the service's clock (not the database's), like every other time the sender compares.
    const res = await q.query<{ id: string }>(
      `INSERT INTO payment_refunds (id, tenant_id, gateway, order_id, payment_id, debt_id, dni, amount_cents, reason, refund_mode, created_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT (tenant_id, gateway, order_id) DO NOTHING RETURNING id`,
      [c.id, c.tenantId, c.gateway, c.orderId, c.paymentId, c.debtId, c.dni, c.amountCents, c.reason, c.mode, c.now],
    );
    return res.rows[0]?.id;
  },

  /** Claims due automatic refunds for `leaseSeconds` and counts the attempt (SKIP LOCKED: instances share the work). */
  async claimRefunds(q: Queryable, now: Date, limit: number, leaseSeconds: number): Promise<RefundClaim[]> {
    const res = await q.query<RefundClaim>(
      `UPDATE payment_refunds SET attempts = attempts + 1, leased_until = $1::timestamptz + make_interval(secs => $3)
        WHERE id IN (SELECT id FROM payment_refunds
                      WHERE status = 'pending' AND refund_mode = 'auto' AND next_attempt_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
                      ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id, tenant_id, gateway, order_id, amount_cents, attempts`,
      [now, limit, leaseSeconds],
    );
    return res.rows.map((r) => ({ ...r, amount_cents: Number(r.amount_cents) }));
  },

  /** Records how one automatic refund went and releases the lease. */
  async finishRefund(
    q: Queryable,
    id: string,
    now: Date,
    outcome: { status: 'refunded'; response: string } | { status: 'failed'; error: string } | { status: 'pending'; error: string; retryInSeconds: number },
  ): Promise<void> {
    switch (outcome.status) {
      case 'refunded':
        await q.query(
          `UPDATE payment_refunds SET status = 'refunded', gateway_response = $2, resolved_at = $3, resolved_by = 'system', last_error = NULL, leased_until = NULL
            WHERE id = $1 AND status = 'pending'`,
          [id, outcome.response.slice(0, 500), now],
        );
        return;
      case 'failed':
        await q.query(`UPDATE payment_refunds SET status = 'failed', gateway_response = $2, last_error = $2, leased_until = NULL WHERE id = $1 AND status = 'pending'`, [
          id,
          outcome.error.slice(0, 500),
        ]);
        return;
      case 'pending':
        await q.query(`UPDATE payment_refunds SET last_error = $2, next_attempt_at = $3::timestamptz + make_interval(secs => $4), leased_until = NULL WHERE id = $1`, [
          id,
          outcome.error.slice(0, 500),
          now,
          outcome.retryInSeconds,
        ]);
        return;
    }
  },

  /** A council's refund cases, those needing a person first, then newest first. */
  async listRefundCases(q: Queryable, tenantId: string): Promise<RefundRow[]> {
    const res = await q.query<RefundRow>(
      `SELECT ${REFUND_COLS} FROM payment_refunds r LEFT JOIN tax_debts d ON d.id = r.debt_id
        WHERE r.tenant_id = $1
        ORDER BY CASE WHEN r.status IN ('pending', 'failed') THEN 0 ELSE 1 END, r.created_at DESC, r.id
        LIMIT 500`,
      [tenantId],
    );
    return res.rows;
  },

  /** The refund cases of a citizen's payments, for their payment history. */
  async refundsForCitizen(q: Queryable, tenantId: string, dni: string): Promise<RefundRow[]> {
    const res = await q.query<RefundRow>(
      `SELECT ${REFUND_COLS} FROM payment_refunds r LEFT JOIN tax_debts d ON d.id = r.debt_id WHERE r.tenant_id = $1 AND r.dni = $2 AND r.payment_id IS NOT NULL`,
      [tenantId, dni],
    );
    return res.rows;
  },

  /**
   * Settles a case by hand (staff): only one still open (pending or failed) and not held by a sender right now, so a
   * person and the gateway never both refund it. Returns the case as it was, or undefined when it could not move.
   */
  async resolveRefundCase(q: Queryable, tenantId: string, id: string, status: 'refunded' | 'refund_by_hand', by: string, now: Date): Promise<RefundRow | undefined> {
    const res = await q.query<{ id: string }>(
      `UPDATE payment_refunds SET status = $3, resolved_by = $4, resolved_at = $5, leased_until = NULL
        WHERE tenant_id = $1 AND id = $2 AND status IN ('pending', 'failed') AND (leased_until IS NULL OR leased_until <= $5)
        RETURNING id`,
      [tenantId, id, status, by, now],
    );
    if (!res.rows.length) return undefined;
    const row = await q.query<RefundRow>(`SELECT ${REFUND_COLS} FROM payment_refunds r LEFT JOIN tax_debts d ON d.id = r.debt_id WHERE r.id = $1`, [id]);
    return row.rows[0];
  },

  async findRefundCase(q: Queryable, tenantId: string, id: string): Promise<RefundRow | undefined> {
    const res = await q.query<RefundRow>(`SELECT ${REFUND_COLS} FROM payment_refunds r LEFT JOIN tax_debts d ON d.id = r.debt_id WHERE r.tenant_id = $1 AND r.id = $2`, [tenantId, id]);
    return res.rows[0];
  },

  /** Refund cases per council and status (for /metrics). */
  async refundCounts(q: Queryable): Promise<{ tenant_id: string; status: RefundStatus; reason: RefundReason; cases: number; amount_cents: number }[]> {
    const res = await q.query<{ tenant_id: string; status: RefundStatus; reason: RefundReason; cases: number; amount_cents: number }>(
      `SELECT tenant_id, status, reason, count(*)::int AS cases, COALESCE(sum(amount_cents), 0)::float8 AS amount_cents
         FROM payment_refunds GROUP BY tenant_id, status, reason ORDER BY tenant_id, status, reason`,
    );
    return res.rows;
  },
};
