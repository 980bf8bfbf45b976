-- Embedded registers and e-procedures: padrón, appointments, taxes and fines, payments, filings.
-- Exactly-once guarantees live here as constraints, not only in code.

-- Padrón (register of residents): households and inhabitants.
CREATE TABLE padron_households (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  address text NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE padron_inhabitants (
  tenant_id text NOT NULL REFERENCES tenants(id),
  dni text NOT NULL,
  given_name text NOT NULL,
  surname text NOT NULL,
  birth_date date,
  household_id text NOT NULL,
  registered_since date NOT NULL,
  PRIMARY KEY (tenant_id, dni),
  FOREIGN KEY (tenant_id, household_id) REFERENCES padron_households (tenant_id, id)
);
CREATE INDEX padron_inhabitants_household ON padron_inhabitants (tenant_id, household_id);

-- How a citizen wants to be reached (demo data or set by the citizen); opt-in for payment reminders.
CREATE TABLE citizen_contacts (
  tenant_id text NOT NULL REFERENCES tenants(id),
  dni text NOT NULL,
  email text,
  phone text,
  language text NOT NULL DEFAULT 'es',
  is_payment_reminders_email boolean NOT NULL DEFAULT false,
  is_payment_reminders_sms boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, dni)
);

-- Appointment capacity: one row per service, office and start; materialised on first booking.
-- booked never exceeds capacity: the CHECK is the last line of defence behind the conditional UPDATE.
CREATE TABLE appointment_slots (
  tenant_id text NOT NULL REFERENCES tenants(id),
  service_id text NOT NULL,
  office_id text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  capacity integer NOT NULL CHECK (capacity > 0),
  booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
  PRIMARY KEY (tenant_id, service_id, office_id, starts_at)
);

CREATE TABLE appointments (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  code text NOT NULL,
  dni text NOT NULL,
  service_id text NOT NULL,
  office_id text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('booked', 'cancelled')),
  email text,
  language text NOT NULL DEFAULT 'es',
  channel text NOT NULL DEFAULT 'web',
  kiosk_id text,
  rescheduled_from text,
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  reminded_at timestamptz,
  UNIQUE (tenant_id, code)
);
-- A citizen holds at most one live place in a given slot.
CREATE UNIQUE INDEX appointments_one_per_citizen_slot
  ON appointments (tenant_id, service_id, office_id, starts_at, dni) WHERE status = 'booked';
CREATE INDEX appointments_citizen ON appointments (tenant_id, dni, starts_at);
CREATE INDEX appointments_reminders ON appointments (starts_at) WHERE status = 'booked' AND reminded_at IS NULL;

-- Receipts, liquidations, self-assessments and fines (one table: they are paid the same way).
CREATE TABLE tax_debts (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  dni text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('receipt', 'liquidation', 'self_assessment', 'fine')),
  tax_code text NOT NULL,
  reference text NOT NULL,
  concept text NOT NULL,
  fiscal_year integer NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  -- Fines: the share taken off when paid inside the voluntary period (percent, 50 by law for traffic fines).
  reduction_percent integer NOT NULL DEFAULT 0 CHECK (reduction_percent BETWEEN 0 AND 100),
  voluntary_start date NOT NULL,
  voluntary_end date NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid')),
  paid_at timestamptz,
  paid_amount_cents bigint,
  payment_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, reference)
);
CREATE INDEX tax_debts_citizen ON tax_debts (tenant_id, dni, status);

CREATE TABLE payments (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  debt_id text NOT NULL REFERENCES tax_debts(id),
  dni text NOT NULL,
  order_id text NOT NULL,
  gateway text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  status text NOT NULL CHECK (status IN ('created', 'paid', 'denied', 'rejected')),
  -- Why a notification was refused (amount mismatch, receipt already paid by another order).
  status_reason text,
  gateway_reference text,
  receipt_code text,
  channel text NOT NULL DEFAULT 'web',
  kiosk_id text,
  language text NOT NULL DEFAULT 'es',
  created_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz,
  UNIQUE (tenant_id, order_id)
);
-- The heart of "never paid twice": at most one paid payment per receipt.
CREATE UNIQUE INDEX payments_one_paid_per_debt ON payments (tenant_id, debt_id) WHERE status = 'paid';
CREATE INDEX payments_citizen ON payments (tenant_id, dni, created_at DESC);

-- Every gateway notification received, for audit and replay detection.
CREATE TABLE payment_notifications (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  order_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  outcome text NOT NULL,
  payload_sha256 text NOT NULL
);
CREATE INDEX payment_notifications_order ON payment_notifications (tenant_id, order_id);

-- Reminders already sent: the primary key makes the reminder job idempotent.
CREATE TABLE payment_reminders (
  tenant_id text NOT NULL REFERENCES tenants(id),
  debt_id text NOT NULL REFERENCES tax_debts(id),
  kind text NOT NULL CHECK (kind IN ('period_open', 'period_ending')),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, debt_id, kind, channel)
);

-- The registry: numbers gapless per council and year, taken from this counter in the filing's transaction.
CREATE TABLE filing_counters (
  tenant_id text NOT NULL REFERENCES tenants(id),
  year integer NOT NULL,
  last_number integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, year)
);

CREATE TABLE filings (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  registry_number text NOT NULL,
  year integer NOT NULL,
  sequence integer NOT NULL,
  dni text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  department_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('registered', 'in_review', 'needs_info', 'resolved', 'rejected')),
  receipt_code text,
  language text NOT NULL DEFAULT 'es',
  channel text NOT NULL DEFAULT 'web',
  kiosk_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, registry_number),
  UNIQUE (tenant_id, year, sequence)
);
CREATE INDEX filings_citizen ON filings (tenant_id, dni, created_at DESC);

CREATE TABLE filing_attachments (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  filing_id text NOT NULL REFERENCES filings(id),
  file_name text NOT NULL,
  mime_type text NOT NULL,
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  storage_key text NOT NULL
);
CREATE INDEX filing_attachments_filing ON filing_attachments (tenant_id, filing_id);

CREATE TABLE filing_status_history (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  filing_id text NOT NULL REFERENCES filings(id),
  status text NOT NULL,
  note text,
  actor_type text NOT NULL,
  actor_id text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX filing_status_history_filing ON filing_status_history (tenant_id, filing_id, at);

-- Issued padrón certificates, found again by their secure verification code (the certificates module serves /verify).
CREATE TABLE padron_certificate_requests (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  dni text NOT NULL,
  collective boolean NOT NULL,
  language text NOT NULL,
  code text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX padron_certificate_requests_citizen ON padron_certificate_requests (tenant_id, dni, created_at DESC);
