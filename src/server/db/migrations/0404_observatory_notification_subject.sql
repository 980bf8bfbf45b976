-- The yearly review reminder asks "was this record reminded about in the last year?" by kind and subject;
-- without an index that is a scan of every notification ever sent.
CREATE INDEX global_obs_notifications_subject ON global_obs_notifications (kind, subject_type, subject_id, created_at DESC);
