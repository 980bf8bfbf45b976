-- Files being written for a record that is not committed yet (security review HIGH-2). A row is committed BEFORE
-- the bytes are written under their final key, and deleted in the record's own transaction. So a row that is still
-- here after a grace period belongs to a record that never committed (an error, a crash, a lost connection): the
-- reconciler deletes its bytes, then the row. `area` is the store (filings, observatory); `owner_id` the record.
CREATE TABLE pending_files (
  area text NOT NULL,
  storage_key text NOT NULL,
  tenant_id text,
  owner_id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (area, storage_key)
);
CREATE INDEX pending_files_owner ON pending_files (area, owner_id);
CREATE INDEX pending_files_age ON pending_files (area, created_at);

-- A retried POST /filings with the same Idempotency-Key returns the filing it registered instead of a second one.
-- The key is the citizen's (per council and DNI); the hash tells a retry from a different filing under the same key.
ALTER TABLE filings ADD COLUMN idempotency_key text;
ALTER TABLE filings ADD COLUMN request_hash text;
CREATE UNIQUE INDEX filings_idempotency_key ON filings (tenant_id, dni, idempotency_key) WHERE idempotency_key IS NOT NULL;
