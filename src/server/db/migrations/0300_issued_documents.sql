-- Documents the council issued and sealed (padrón certificates, payment and filing receipts), kept so that
-- /verify/<code> can say whether a document is authentic and serve the original bytes.
CREATE TABLE issued_documents (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  -- The secure verification code (CSV), canonical form: 20 Crockford base32 symbols, 100 random bits.
  -- Unique across councils because /verify/<code> does not need to name the council.
  csv_code text NOT NULL UNIQUE CHECK (csv_code ~ '^[0-9A-HJKMNP-TV-Z]{20}$'),
  kind text NOT NULL CHECK (kind IN ('padron_individual', 'padron_collective', 'payment_receipt', 'filing_receipt')),
  language text NOT NULL CHECK (language IN ('es', 'ca', 'en')),
  -- The DNI/NIE of the person the document is about (the requester for a collective certificate).
  subject_dni text,
  -- The receipt or registry number the document certifies, when any.
  reference text,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  -- The signed PDF; file_path (relative to DATA_DIR) is for deployments that keep documents as files.
  pdf bytea,
  file_path text,
  issued_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_reason text,
  CHECK (pdf IS NOT NULL OR file_path IS NOT NULL)
);
CREATE INDEX issued_documents_subject ON issued_documents (tenant_id, subject_dni, issued_at DESC);
CREATE INDEX issued_documents_reference ON issued_documents (tenant_id, kind, reference);
