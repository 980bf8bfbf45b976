-- One turn at a time per conversation, across instances: a message claims the conversation until it has saved its
-- state (a lease, so a crashed process cannot block a conversation for longer than the lease).
ALTER TABLE conversations ADD COLUMN turn_lock_until timestamptz;
