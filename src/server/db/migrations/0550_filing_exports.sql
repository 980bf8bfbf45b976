-- Councils whose official electronic registry is another system (connectors.filings: rest): every filing numbered
-- here is delivered there at least once. One row per filing, written in the filing's own transaction; the filing id
-- is the idempotency key on the other side. Embedded councils get no rows: our database is their registry.
CREATE TABLE filing_exports (
  filing_id text PRIMARY KEY REFERENCES filings(id),
  tenant_id text NOT NULL REFERENCES tenants(id),
  -- failed: the registry refused the filing itself (a 4xx); retrying cannot help, a person must look at last_error.
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- Set while one sender holds the row; a sender that dies leaves it to be claimed again once this has passed.
  leased_until timestamptz,
  last_error text,
  external_ref text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX filing_exports_due ON filing_exports (next_attempt_at) WHERE status = 'pending';
CREATE INDEX filing_exports_tenant ON filing_exports (tenant_id, status);
