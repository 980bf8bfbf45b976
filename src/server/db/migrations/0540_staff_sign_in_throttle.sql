-- Staff passwords are guessable online unlike a card's PIN (no card to hold): after five wrong passwords in a row
-- an account waits fifteen minutes (the service sets locked_until), which makes guessing useless and heals itself.
ALTER TABLE staff_accounts
  ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
  ADD COLUMN locked_until timestamptz;
