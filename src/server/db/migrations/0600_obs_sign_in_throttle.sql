-- Wrong observatory passwords, counted per (e-mail, client address) like staff sign-in: after five in a row that
-- pair waits fifteen minutes. Keyed by the address typed, not the account, so an unknown e-mail is counted and
-- locked exactly like a known one (the answers cannot tell them apart), and one address guessing cannot lock
-- the officer out from their own network. The e-mail is kept only as a SHA-256 (typos are not personal data
-- we need); rows idle longer than a day are deleted as new failures are recorded.
CREATE TABLE global_obs_sign_in_failures (
  email_hash text NOT NULL CHECK (email_hash ~ '^[0-9a-f]{64}$'),
  -- The client address, or '*' for the count from anywhere (a higher limit against guessing spread over many clients).
  ip text NOT NULL,
  -- Attempts reserved since the last success (or since the last lock ended); the one that passes the limit locks.
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  locked_until timestamptz,
  last_attempt_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (email_hash, ip)
);
CREATE INDEX global_obs_sign_in_failures_idle ON global_obs_sign_in_failures (last_attempt_at);
