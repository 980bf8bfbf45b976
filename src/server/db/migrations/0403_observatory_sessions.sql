-- Observatory officers' sessions, kept on the server so signing out (or an operator) really ends them:
-- a copied cookie is worthless once its row is ended. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE global_obs_sessions (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  account_id text NOT NULL REFERENCES global_obs_accounts(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX global_obs_sessions_account ON global_obs_sessions (account_id) WHERE ended_at IS NULL;
