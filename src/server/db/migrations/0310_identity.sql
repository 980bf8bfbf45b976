-- Identity: citizens known to a council, kiosk cards with PINs, staff accounts, OIDC sign-in state.

-- A citizen as identified by any method (certificate, card, OIDC); the DNI/NIE is the key every register uses.
CREATE TABLE citizens (
  tenant_id text NOT NULL REFERENCES tenants(id),
  dni text NOT NULL,
  given_name text NOT NULL DEFAULT '',
  surname text NOT NULL DEFAULT '',
  email text,
  language text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz,
  PRIMARY KEY (tenant_id, dni)
);

-- Kiosk cards: the PIN only as an argon2id hash; 3 consecutive failures lock the card until staff unlock it.
CREATE TABLE citizen_cards (
  tenant_id text NOT NULL REFERENCES tenants(id),
  card_number text NOT NULL,
  dni text NOT NULL,
  pin_hash text NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, card_number),
  FOREIGN KEY (tenant_id, dni) REFERENCES citizens(tenant_id, dni)
);

-- Staff accounts per council; e-mail stored lower-case.
CREATE TABLE staff_accounts (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  roles text[] NOT NULL CHECK (roles <@ ARRAY['admin', 'agent', 'editor', 'analyst']::text[] AND cardinality(roles) > 0),
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz,
  UNIQUE (tenant_id, email)
);

-- OpenID Connect: state, nonce and PKCE verifier kept server-side between the redirect and the callback.
CREATE TABLE oidc_states (
  state text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  return_to text,
  kiosk_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Sessions (table from 0001): the id column holds SHA-256 of the cookie value, so a database leak gives no
-- usable cookie; idle expiry beside the absolute expires_at.
ALTER TABLE sessions ADD COLUMN idle_expires_at timestamptz;
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_tenant_kiosk ON sessions (tenant_id, kiosk_id) WHERE ended_at IS NULL;
