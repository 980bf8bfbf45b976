-- Councils whose receipts live in their own tax system (connectors.taxes in the profile): tax_debts mirrors what
-- that system lists, and every payment decided here is queued until the tax system has recorded it.
ALTER TABLE tax_debts ADD COLUMN synced_at timestamptz;
-- Paid elsewhere (bank, direct debit): settled in the tax system, not by a payment of ours.
ALTER TABLE tax_debts ADD COLUMN is_paid_elsewhere boolean NOT NULL DEFAULT false;

-- The outbox of payments to record in the tax system: one row per paid payment, written in the payment's own
-- transaction, delivered at least once (the payment id is the idempotency key on the other side).
CREATE TABLE payment_exports (
  payment_id text PRIMARY KEY REFERENCES payments(id),
  tenant_id text NOT NULL REFERENCES tenants(id),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'done')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz
);
CREATE INDEX payment_exports_due ON payment_exports (next_attempt_at) WHERE status <> 'done';
