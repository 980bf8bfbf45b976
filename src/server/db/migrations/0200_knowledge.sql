-- Knowledge: pages crawled from a council's website, their chunks (full-text indexed), staff FAQ entries,
-- crawl reports and a vocabulary for typo tolerance.

-- The text-search configuration for one of our languages; IMMUTABLE so generated columns and indexes can use it.
CREATE OR REPLACE FUNCTION knowledge_ts_config(lang text) RETURNS regconfig
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE lang WHEN 'es' THEN 'pg_catalog.spanish'::regconfig
                         WHEN 'ca' THEN 'pg_catalog.catalan'::regconfig
                         WHEN 'en' THEN 'pg_catalog.english'::regconfig
                         ELSE 'pg_catalog.simple'::regconfig END $$;

CREATE TABLE knowledge_crawls (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  start_url text NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  -- {fetched, unchanged, skipped, failed, removed, bodiesDownloaded, pagesIndexed, chunksIndexed}
  counts jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- [{url, outcome, reason}] for every URL that was not simply fetched or unchanged.
  items jsonb NOT NULL DEFAULT '[]'::jsonb,
  error text
);
CREATE INDEX knowledge_crawls_tenant ON knowledge_crawls (tenant_id, started_at DESC);

CREATE TABLE knowledge_pages (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  -- The site's origin (scheme://host:port): recrawls and removals are per site.
  site text NOT NULL,
  -- The URL fetched; the canonical URL when the page declares one on the same site.
  url text NOT NULL,
  title text NOT NULL,
  language text NOT NULL,
  content_type text NOT NULL,
  -- {"ca": "https://.../ca/padro.html"}: hreflang alternates declared by the page.
  alternates jsonb NOT NULL DEFAULT '{}'::jsonb,
  content_hash text NOT NULL,
  fetched_at timestamptz NOT NULL DEFAULT now(),
  last_crawl_id bigint REFERENCES knowledge_crawls(id) ON DELETE SET NULL,
  UNIQUE (tenant_id, url)
);
CREATE INDEX knowledge_pages_site ON knowledge_pages (tenant_id, site);

CREATE TABLE knowledge_chunks (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  page_id bigint NOT NULL REFERENCES knowledge_pages(id) ON DELETE CASCADE,
  ord integer NOT NULL,
  title text NOT NULL,
  heading text NOT NULL DEFAULT '',
  body text NOT NULL,
  language text NOT NULL,
  -- Page title weighs most (A), then the section heading (B), then the text (D); accents are folded on both sides.
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(knowledge_ts_config(language), immutable_unaccent(title)), 'A') ||
    setweight(to_tsvector(knowledge_ts_config(language), immutable_unaccent(heading)), 'B') ||
    setweight(to_tsvector(knowledge_ts_config(language), immutable_unaccent(body)), 'D')
  ) STORED
);
CREATE INDEX knowledge_chunks_tsv ON knowledge_chunks USING gin (tsv);
CREATE INDEX knowledge_chunks_page ON knowledge_chunks (page_id, ord);
CREATE INDEX knowledge_chunks_tenant ON knowledge_chunks (tenant_id, language);

-- Staff-written answers in the council's languages; they outrank crawled content.
CREATE TABLE knowledge_faqs (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants(id),
  question jsonb NOT NULL,
  answer jsonb NOT NULL,
  url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  tsv_es tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('pg_catalog.spanish'::regconfig, immutable_unaccent(coalesce(question->>'es', ''))), 'A') ||
    setweight(to_tsvector('pg_catalog.spanish'::regconfig, immutable_unaccent(coalesce(answer->>'es', ''))), 'D')
  ) STORED,
  tsv_ca tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('pg_catalog.catalan'::regconfig, immutable_unaccent(coalesce(question->>'ca', ''))), 'A') ||
    setweight(to_tsvector('pg_catalog.catalan'::regconfig, immutable_unaccent(coalesce(answer->>'ca', ''))), 'D')
  ) STORED,
  tsv_en tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('pg_catalog.english'::regconfig, immutable_unaccent(coalesce(question->>'en', ''))), 'A') ||
    setweight(to_tsvector('pg_catalog.english'::regconfig, immutable_unaccent(coalesce(answer->>'en', ''))), 'D')
  ) STORED
);
CREATE INDEX knowledge_faqs_tenant ON knowledge_faqs (tenant_id);

-- Every URL fetched with success, with its validators for conditional GET, and the page it feeds
-- (itself, or the canonical/duplicate page it was folded into). A recrawl asks each with If-None-Match.
CREATE TABLE knowledge_urls (
  tenant_id text NOT NULL REFERENCES tenants(id),
  site text NOT NULL,
  url text NOT NULL,
  etag text,
  last_modified text,
  page_url text,
  checked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, url)
);
CREATE INDEX knowledge_urls_site ON knowledge_urls (tenant_id, site);

-- Words seen in the indexed text (unaccented, lower case), to correct typos in questions with pg_trgm.
CREATE TABLE knowledge_vocab (
  tenant_id text NOT NULL REFERENCES tenants(id),
  word text NOT NULL,
  PRIMARY KEY (tenant_id, word)
);
CREATE INDEX knowledge_vocab_trgm ON knowledge_vocab USING gin (word gin_trgm_ops);
