-- Kiosk fleet: the profile says which kiosks exist; this table says what they last reported.
CREATE TABLE kiosk_status (
  tenant_id text NOT NULL REFERENCES tenants(id),
  kiosk_id text NOT NULL,
  last_seen_at timestamptz NOT NULL,
  last_activity_at timestamptz,
  -- What the device reports about itself (printer, scanner, app version); never personal data.
  info jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (tenant_id, kiosk_id)
);
