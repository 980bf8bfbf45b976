-- Assistant: conversations (the dialog state survives restarts), their turns (redacted, with what the NLU
-- predicted, for mentored learning) and hand-off requests (the staff inbox builds on these rows).
CREATE TABLE conversations (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  channel text NOT NULL CHECK (channel IN ('web', 'widget', 'kiosk')),
  kiosk_id text,
  language text NOT NULL CHECK (language IN ('es', 'ca', 'en')),
  -- The dialog manager's state (active procedure, slots, pending question); no personal data beyond slot ids.
  state jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'waiting_human', 'with_human', 'closed')),
  -- SHA-256 of the owner token kept in the creator's cookie: the id alone never opens a transcript.
  owner_token_sha256 text NOT NULL,
  citizen_dni text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_tenant_status ON conversations (tenant_id, status, updated_at DESC);

CREATE TABLE conversation_turns (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  role text NOT NULL CHECK (role IN ('citizen', 'assistant', 'staff', 'system')),
  -- Redacted text (DNI/NIE, IBAN, cards, phones, e-mails replaced); assistant turns keep their replies.
  text text NOT NULL,
  replies jsonb,
  language text,
  intent text,
  confidence double precision,
  alternatives jsonb,
  -- Entity types only, never their values.
  entity_types text[],
  -- True when the assistant did not understand this turn (mentored learning lists these).
  is_misunderstood boolean NOT NULL DEFAULT false,
  reviewed_at timestamptz,
  reviewed_by text,
  label_intent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, seq)
);
CREATE INDEX conversation_turns_review ON conversation_turns (tenant_id, role, reviewed_at, confidence);

CREATE TABLE handoff_requests (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  reason text NOT NULL CHECK (reason IN ('asked', 'misunderstood', 'low_confidence', 'crisis')),
  channel text NOT NULL,
  kiosk_id text,
  language text,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'accepted', 'closed')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handoff_requests_tenant_status ON handoff_requests (tenant_id, status, created_at);
-- One open request per conversation: asking twice does not queue twice.
CREATE UNIQUE INDEX handoff_requests_open ON handoff_requests (conversation_id) WHERE status <> 'closed';
