-- Councils whose appointment calendar or queue system is another system (connectors.appointments: rest): every
-- booking, cancellation and reschedule made here is mirrored there at least once. One row per event, written in the
-- same transaction as the change; the event id is the idempotency key on the other side. Embedded councils get no
-- rows: our database is their calendar.
CREATE TABLE appointment_exports (
  -- Insertion order: the events of one chain are delivered in this order.
  seq bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  appointment_id text NOT NULL REFERENCES appointments(id),
  -- The first appointment of a reschedule chain: a reschedule is a new appointment replacing the old one, and the other
  -- system must hear of the old booking before the move, and of the move before a cancellation of the new one.
  chain_id text NOT NULL,
  tenant_id text NOT NULL REFERENCES tenants(id),
  kind text NOT NULL CHECK (kind IN ('booked', 'cancelled', 'rescheduled')),
  -- The event as sent (code, dni, service, office, times): the appointment row changes later, the event does not.
  payload jsonb NOT NULL,
  -- failed: the system refused the event itself (a 4xx); retrying cannot help, a person must look at last_error.
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- Set while one sender holds the row; a sender that dies leaves it to be claimed again once this has passed.
  leased_until timestamptz,
  last_error text,
  external_ref text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX appointment_exports_due ON appointment_exports (next_attempt_at) WHERE status = 'pending';
CREATE INDEX appointment_exports_chain ON appointment_exports (chain_id, seq) WHERE status = 'pending';
CREATE INDEX appointment_exports_appointment ON appointment_exports (appointment_id);
CREATE INDEX appointment_exports_tenant ON appointment_exports (tenant_id, status);
