-- Foundation: extensions, tenants mirror, audit log, events, sessions, idempotency keys.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is STABLE; an IMMUTABLE wrapper lets us use it in indexes and generated columns.
CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- Profiles live in files; this mirror gives foreign keys and lets SQL join on tenants.
CREATE TABLE tenants (
  id text PRIMARY KEY,
  profile jsonb NOT NULL,
  profile_hash text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every procedure step and staff action: who, what, when, channel, kiosk.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  at timestamptz NOT NULL DEFAULT now(),
  actor_type text NOT NULL CHECK (actor_type IN ('citizen', 'staff', 'system', 'anonymous')),
  actor_id text,
  action text NOT NULL,
  subject_type text,
  subject_id text,
  channel text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'widget', 'kiosk', 'assistant', 'cli', 'api', 'system')),
  kiosk_id text,
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at DESC);
CREATE INDEX audit_log_subject ON audit_log (tenant_id, subject_type, subject_id);

-- Analytics events: the figures staff see are computed from these rows only.
CREATE TABLE events (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  at timestamptz NOT NULL DEFAULT now(),
  type text NOT NULL,
  language text,
  channel text,
  kiosk_id text,
  amount_cents bigint,
  data jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX events_tenant_type_at ON events (tenant_id, type, at);

-- Server-side sessions, so a kiosk wipe or a sign-out really ends them.
CREATE TABLE sessions (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  subject_type text NOT NULL CHECK (subject_type IN ('citizen', 'staff', 'anonymous')),
  subject_id text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  kiosk_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX sessions_tenant_subject ON sessions (tenant_id, subject_type, subject_id);

-- Idempotency keys: a retried POST returns the first response instead of acting twice.
CREATE TABLE idempotency_keys (
  tenant_id text NOT NULL REFERENCES tenants(id),
  key text NOT NULL,
  scope text NOT NULL,
  request_hash text NOT NULL,
  status_code integer,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, scope, key)
);
