-- payment_exports takes the shape of filing_exports and appointment_exports (0550, 0560), so one helper claims and
-- finishes all three (db/outbox.ts) and a refused payment reaches the Refused deliveries page and `ventanilla exports`:
--   status pending | delivered | failed (was pending | sending | done). failed: the tax system refused the payment
--     itself (a 4xx); retrying cannot help, a person must look at last_error and send it again.
--   leased_until: set while one sender holds the row (was: status sending with next_attempt_at pushed forward).
--   delivered_at (was done_at), external_ref (unused by tax systems today; kept for the shared finish()).
ALTER TABLE payment_exports DROP CONSTRAINT payment_exports_status_check;
ALTER TABLE payment_exports RENAME COLUMN done_at TO delivered_at;
ALTER TABLE payment_exports ADD COLUMN leased_until timestamptz;
ALTER TABLE payment_exports ADD COLUMN external_ref text;
UPDATE payment_exports SET status = 'delivered' WHERE status = 'done';
-- A row held by a sender when this runs: the old claim had pushed next_attempt_at to the end of its lease, so it
-- becomes pending, leased until then, and is due again at the same moment as before.
UPDATE payment_exports SET status = 'pending', leased_until = next_attempt_at WHERE status = 'sending';
ALTER TABLE payment_exports ADD CONSTRAINT payment_exports_status_check CHECK (status IN ('pending', 'delivered', 'failed'));
DROP INDEX payment_exports_due;
CREATE INDEX payment_exports_due ON payment_exports (next_attempt_at) WHERE status = 'pending';
CREATE INDEX payment_exports_tenant ON payment_exports (tenant_id, status);
