-- Staff sign-in throttle by address instead of by account (security review LOW-4). The account-wide lock of
-- 0540 let anyone lock any staff member out with five requests, and a 429 for known addresses next to a 401 for
-- unknown ones told which e-mails exist. Attempts are now counted per (address, client IP) with a low limit
-- and per address from anywhere (client_ip '*') with a much higher one, for known and unknown addresses alike.
-- An attempt is counted before the password is checked (parallel guesses cannot slip past the limit) and the
-- rows are deleted on a correct password; rows idle for longer than the wait are forgotten.
CREATE TABLE staff_sign_in_attempts (
  tenant_id text NOT NULL REFERENCES tenants(id),
  email text NOT NULL,
  client_ip text NOT NULL,
  attempts integer NOT NULL CHECK (attempts >= 0),
  last_attempt_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, email, client_ip)
);
CREATE INDEX staff_sign_in_attempts_last ON staff_sign_in_attempts (last_attempt_at);

ALTER TABLE staff_accounts DROP COLUMN failed_sign_ins, DROP COLUMN locked_until;
