-- NLU: training phrases added by staff (mentored learning) and the history of trained models.
-- The base training data lives in reviewable files (data/nlu); these rows add to it per council.
CREATE TABLE nlu_training_phrases (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  lang text NOT NULL CHECK (lang IN ('es', 'ca', 'en')),
  intent text NOT NULL,
  text text NOT NULL,
  -- staff: typed in the console; relabel: a citizen turn moved into the training data.
  source text NOT NULL DEFAULT 'staff' CHECK (source IN ('staff', 'relabel')),
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, lang, intent, text)
);
CREATE INDEX nlu_training_phrases_tenant ON nlu_training_phrases (tenant_id, intent);

-- One row per retraining: what it was trained on and how it scored, so staff see before and after.
CREATE TABLE nlu_model_versions (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  trained_at timestamptz NOT NULL DEFAULT now(),
  trained_by text,
  example_count integer NOT NULL,
  staff_phrase_count integer NOT NULL,
  intents jsonb NOT NULL,
  metrics jsonb NOT NULL
);
CREATE INDEX nlu_model_versions_tenant ON nlu_model_versions (tenant_id, trained_at DESC);
