-- HIGH-1 of the security review: one receipt was charged many times (ten orders opened, ten authorised, one applied,
-- nine refused with nothing refunded). From here on a debt has at most one open order, and every authorisation that
-- cannot be applied becomes a refund case that a gateway or a person settles.

-- An open order lives until expires_at; a start meanwhile gets the same order and the same gateway form back.
ALTER TABLE payments ADD COLUMN expires_at timestamptz;
-- The form as JSON text, not jsonb: jsonb reorders keys, and a second start must get byte for byte the same body.
ALTER TABLE payments ADD COLUMN redirect_form text;
-- expired: an open order nobody finished in time, superseded by a newer one (a late authorisation for it is refunded).
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('created', 'paid', 'denied', 'rejected', 'expired'));

-- Orders opened before this migration: the newest open order of each debt stays open, the others are superseded,
-- so the unique index below can be built.
UPDATE payments p SET status = 'expired', status_reason = 'superseded', settled_at = now()
 WHERE p.status = 'created'
   AND EXISTS (SELECT 1 FROM payments q
                WHERE q.tenant_id = p.tenant_id AND q.debt_id = p.debt_id AND q.status = 'created'
                  AND (q.created_at > p.created_at OR (q.created_at = p.created_at AND q.id > p.id)));
UPDATE payments SET expires_at = created_at + interval '30 minutes' WHERE expires_at IS NULL;
ALTER TABLE payments ALTER COLUMN expires_at SET NOT NULL;

-- The DB's half of "one open order per debt": parallel starts cannot both insert one.
CREATE UNIQUE INDEX payments_one_open_per_debt ON payments (tenant_id, debt_id) WHERE status = 'created';

-- Money a gateway took that no receipt kept: refunded by the gateway (refund_mode auto, sent from this table as an
-- outbox after the notification's commit) or by a person on the staff console (refund_mode manual).
CREATE TABLE payment_refunds (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  gateway text NOT NULL,
  order_id text NOT NULL,
  -- Null for an order we never opened (unknown_order): then debt and citizen are unknown too.
  payment_id text REFERENCES payments(id),
  debt_id text REFERENCES tax_debts(id),
  dni text,
  -- What the gateway charged, integer cents: what goes back.
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  reason text NOT NULL CHECK (reason IN ('already_paid', 'amount_mismatch', 'late', 'unknown_order')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'refunded', 'refund_by_hand', 'failed')),
  refund_mode text NOT NULL CHECK (refund_mode IN ('auto', 'manual')),
  -- The gateway's answer to the refund request (or to the attempt that failed), for the staff console.
  gateway_response text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- Set while one sender holds the case; a sender that dies leaves it to be claimed again once this has passed.
  leased_until timestamptz,
  last_error text,
  -- Who settled it: 'system' (the gateway refunded) or 'staff:<id>'.
  resolved_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  -- One case per order, however many times the gateway repeats its notification.
  UNIQUE (tenant_id, gateway, order_id)
);
CREATE INDEX payment_refunds_due ON payment_refunds (next_attempt_at) WHERE status = 'pending' AND refund_mode = 'auto';
CREATE INDEX payment_refunds_tenant ON payment_refunds (tenant_id, status, created_at);
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);

-- Authorisations refused before this migration (already_paid, amount_mismatch) were never refunded: a person
-- settles them now, from the staff console. For amount_mismatch the amount charged was never stored: the case shows
-- the amount asked for, and the person checks the real one in the gateway's console.
INSERT INTO payment_refunds (id, tenant_id, gateway, order_id, payment_id, debt_id, dni, amount_cents, reason, refund_mode, created_at)
SELECT 'legacy-' || p.id, p.tenant_id, p.gateway, p.order_id, p.id, p.debt_id, p.dni, p.amount_cents,
       CASE WHEN p.status_reason = 'amount_mismatch' THEN 'amount_mismatch' ELSE 'already_paid' END, 'manual', COALESCE(p.settled_at, p.created_at)
  FROM payments p WHERE p.status = 'rejected'
ON CONFLICT DO NOTHING;
