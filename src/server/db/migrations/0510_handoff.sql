-- Staff inbox (issue 7 item 2): who accepted a hand-off request and when; callback requests left out of hours.
-- handoff_requests itself belongs to the assistant (0150); the inbox only adds its own columns.
ALTER TABLE handoff_requests ADD COLUMN accepted_by text;
ALTER TABLE handoff_requests ADD COLUMN accepted_at timestamptz;
ALTER TABLE handoff_requests ADD COLUMN closed_at timestamptz;

CREATE TABLE handoff_callbacks (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  conversation_id uuid REFERENCES conversations(id) ON DELETE SET NULL,
  -- Personal data the citizen gave so that staff can call back; erased with the citizen's data on request.
  name text NOT NULL,
  phone text NOT NULL,
  citizen_dni text,
  preferred_time text,
  language text NOT NULL CHECK (language IN ('es', 'ca', 'en')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
  done_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX handoff_callbacks_tenant_status ON handoff_callbacks (tenant_id, status, created_at);
