-- One session kernel (src/server/sessions/) serves citizens, staff and observatory officers: the row id is the
-- SHA-256 of the cookie's token in base64url (as in `sessions`), and every session has an idle expiry beside its
-- absolute one. Live officers' sessions are carried over: the same digest, re-encoded from hex.
ALTER TABLE global_obs_sessions DROP CONSTRAINT global_obs_sessions_token_hash_check;
UPDATE global_obs_sessions SET token_hash = rtrim(translate(encode(decode(token_hash, 'hex'), 'base64'), '+/', '-_'), '=');
ALTER TABLE global_obs_sessions ADD CONSTRAINT global_obs_sessions_token_hash_check CHECK (token_hash ~ '^[A-Za-z0-9_-]{43}$');
ALTER TABLE global_obs_sessions ADD COLUMN idle_expires_at timestamptz;
ALTER TABLE global_obs_sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
