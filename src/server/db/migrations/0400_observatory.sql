-- Observatory of local digital transformation (issue 8). Cross-council by nature: every table is global_*.

-- Catalan stemming ships with PostgreSQL 16+ and Debian's 15; elsewhere fall back to no stemming,
-- so to_tsvector('catalan', ...) works on every supported server.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'catalan') THEN
    CREATE TEXT SEARCH CONFIGURATION public.catalan (COPY = pg_catalog.simple);
  END IF;
END $$;

-- Province (INE 2-digit code) -> autonomous community (INE CCAA code).
CREATE TABLE global_provinces (
  code text PRIMARY KEY,
  name text NOT NULL,
  region_code text NOT NULL,
  region_name text NOT NULL
);
INSERT INTO global_provinces (code, name, region_code, region_name) VALUES
 ('01','Araba/Álava','16','País Vasco'),('02','Albacete','08','Castilla-La Mancha'),
 ('03','Alacant/Alicante','10','Comunitat Valenciana'),('04','Almería','01','Andalucía'),
 ('05','Ávila','07','Castilla y León'),('06','Badajoz','11','Extremadura'),('07','Illes Balears','04','Illes Balears'),
 ('08','Barcelona','09','Cataluña'),('09','Burgos','07','Castilla y León'),('10','Cáceres','11','Extremadura'),
 ('11','Cádiz','01','Andalucía'),('12','Castelló/Castellón','10','Comunitat Valenciana'),
 ('13','Ciudad Real','08','Castilla-La Mancha'),('14','Córdoba','01','Andalucía'),('15','A Coruña','12','Galicia'),
 ('16','Cuenca','08','Castilla-La Mancha'),('17','Girona','09','Cataluña'),('18','Granada','01','Andalucía'),
 ('19','Guadalajara','08','Castilla-La Mancha'),('20','Gipuzkoa','16','País Vasco'),('21','Huelva','01','Andalucía'),
 ('22','Huesca','02','Aragón'),('23','Jaén','01','Andalucía'),('24','León','07','Castilla y León'),
 ('25','Lleida','09','Cataluña'),('26','La Rioja','17','La Rioja'),('27','Lugo','12','Galicia'),
 ('28','Madrid','13','Comunidad de Madrid'),('29','Málaga','01','Andalucía'),('30','Murcia','14','Región de Murcia'),
 ('31','Navarra','15','Comunidad Foral de Navarra'),('32','Ourense','12','Galicia'),
 ('33','Asturias','03','Principado de Asturias'),('34','Palencia','07','Castilla y León'),
 ('35','Las Palmas','05','Canarias'),('36','Pontevedra','12','Galicia'),('37','Salamanca','07','Castilla y León'),
 ('38','Santa Cruz de Tenerife','05','Canarias'),('39','Cantabria','06','Cantabria'),
 ('40','Segovia','07','Castilla y León'),('41','Sevilla','01','Andalucía'),('42','Soria','07','Castilla y León'),
 ('43','Tarragona','09','Cataluña'),('44','Teruel','02','Aragón'),('45','Toledo','08','Castilla-La Mancha'),
 ('46','València/Valencia','10','Comunitat Valenciana'),('47','Valladolid','07','Castilla y León'),
 ('48','Bizkaia','16','País Vasco'),('49','Zamora','07','Castilla y León'),('50','Zaragoza','02','Aragón'),
 ('51','Ceuta','18','Ceuta'),('52','Melilla','19','Melilla');

-- Population bands used by the "councils like mine" search and the band filter (inhabitants).
CREATE FUNCTION global_population_band(population integer) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE
    WHEN population IS NULL THEN NULL
    WHEN population < 1000 THEN 'under-1k'
    WHEN population < 5000 THEN '1k-5k'
    WHEN population < 20000 THEN '5k-20k'
    WHEN population < 50000 THEN '20k-50k'
    WHEN population < 100000 THEN '50k-100k'
    WHEN population < 500000 THEN '100k-500k'
    ELSE 'over-500k' END $$;

-- Great-circle distance in km (haversine, mean Earth radius 6371.0088 km).
CREATE FUNCTION global_distance_km(lat1 double precision, lon1 double precision, lat2 double precision, lon2 double precision)
  RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT 2 * 6371.0088 * asin(sqrt(
    power(sin(radians(lat2 - lat1) / 2), 2) +
    cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2))) $$;

-- The IGN/CNIG gazetteer (data/municipalities/municipios.json), loaded idempotently at seed time.
CREATE TABLE global_municipalities (
  ine5 text PRIMARY KEY CHECK (ine5 ~ '^[0-9]{5}$'),
  name text NOT NULL,
  province_code text NOT NULL REFERENCES global_provinces(code),
  population integer NOT NULL,
  lat double precision NOT NULL,
  lon double precision NOT NULL,
  name_search text GENERATED ALWAYS AS (lower(immutable_unaccent(name))) STORED
);
CREATE INDEX global_municipalities_name_trgm ON global_municipalities USING gin (name_search gin_trgm_ops);

-- Officers using the observatory and the forum, whichever council they work for.
CREATE TABLE global_obs_accounts (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  email text NOT NULL,
  handle text NOT NULL,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'editor', 'moderator')),
  ine5 text REFERENCES global_municipalities(ine5),
  organisation text,
  language text NOT NULL DEFAULT 'es' CHECK (language IN ('es', 'ca', 'en')),
  email_verified_at timestamptz,
  verify_token_hash text,
  verify_expires_at timestamptz,
  wants_digest boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX global_obs_accounts_email ON global_obs_accounts (lower(email));
CREATE UNIQUE INDEX global_obs_accounts_handle ON global_obs_accounts (lower(handle));
CREATE INDEX global_obs_accounts_verify ON global_obs_accounts (verify_token_hash);

-- Optional allow-list: when a council has rows here, only these e-mail domains may register for it.
CREATE TABLE global_obs_domain_allowlist (
  ine5 text NOT NULL REFERENCES global_municipalities(ine5),
  domain text NOT NULL,
  PRIMARY KEY (ine5, domain)
);

-- A plan grouping several actions (e.g. Alicante Smart City 2.0: 25 actions, 25 M EUR).
CREATE TABLE global_obs_portfolios (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  slug text NOT NULL UNIQUE,
  ine5 text REFERENCES global_municipalities(ine5),
  title jsonb NOT NULL,
  description jsonb NOT NULL DEFAULT '{}'::jsonb,
  budget_cents bigint,
  period_start integer,
  period_end integer,
  objectives jsonb NOT NULL DEFAULT '[]'::jsonb,
  lines jsonb NOT NULL DEFAULT '[]'::jsonb,
  sources jsonb NOT NULL DEFAULT '[]'::jsonb,
  is_demo boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE global_obs_projects (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  slug text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'published', 'archived')),
  owner_account_id text REFERENCES global_obs_accounts(id),
  -- The local entity: a Spanish municipality (ine5) or a foreign/other entity described inline.
  entity_kind text NOT NULL DEFAULT 'municipality'
    CHECK (entity_kind IN ('municipality', 'supramunicipal', 'regional', 'national', 'other')),
  ine5 text REFERENCES global_municipalities(ine5),
  entity_name text,
  country text NOT NULL DEFAULT 'ES',
  entity_population integer,
  entity_lat double precision,
  entity_lon double precision,
  contacts jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- Text in es/ca/en ({"es": "...", ...}); readers fall back to whatever language exists.
  title jsonb NOT NULL,
  summary jsonb NOT NULL DEFAULT '{}'::jsonb,
  description jsonb NOT NULL DEFAULT '{}'::jsonb,
  value_text jsonb NOT NULL DEFAULT '{}'::jsonb,
  barriers jsonb NOT NULL DEFAULT '{}'::jsonb,
  benefits jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Savings and reach, per year where it says so; money in cents.
  saved_cents_per_year bigint,
  staff_hours_saved_per_year integer,
  citizens_served integer,
  procedures_per_year integer,
  investment_cents bigint,
  technologies text[] NOT NULL DEFAULT '{}',
  methodologies text[] NOT NULL DEFAULT '{}',
  tools text[] NOT NULL DEFAULT '{}',
  phase text NOT NULL CHECK (phase IN ('prototype', 'pilot', 'implemented')),
  type text NOT NULL CHECK (type IN ('services', 'processes', 'organisation')),
  area text NOT NULL CHECK (area IN ('first-line-care', 'services-procedures', 'social-services',
                                     'participation-open-government', 'planning-management', 'comprehensive-transformation')),
  documentation jsonb NOT NULL DEFAULT '[]'::jsonb,
  portfolio_id text REFERENCES global_obs_portfolios(id),
  source text NOT NULL DEFAULT 'user',
  source_id text,
  attribution text,
  is_demo boolean NOT NULL DEFAULT false,
  search_tsv tsvector,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz,
  published_at timestamptz,
  reviewed_at timestamptz,
  CHECK (ine5 IS NOT NULL OR entity_name IS NOT NULL)
);
CREATE UNIQUE INDEX global_obs_projects_source ON global_obs_projects (source, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX global_obs_projects_status ON global_obs_projects (status, area);
CREATE INDEX global_obs_projects_ine5 ON global_obs_projects (ine5);
CREATE INDEX global_obs_projects_tsv ON global_obs_projects USING gin (search_tsv);

-- Every change to a project: who, when, what changed (before/after of the changed fields).
CREATE TABLE global_obs_project_history (
  id bigserial PRIMARY KEY,
  project_id text NOT NULL REFERENCES global_obs_projects(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  actor_account_id text REFERENCES global_obs_accounts(id),
  action text NOT NULL,
  status_from text,
  status_to text,
  changes jsonb NOT NULL DEFAULT '{}'::jsonb,
  comment text
);
CREATE INDEX global_obs_project_history_project ON global_obs_project_history (project_id, at);

-- Reuse: councils that adopted a project.
CREATE TABLE global_obs_adoptions (
  id bigserial PRIMARY KEY,
  project_id text NOT NULL REFERENCES global_obs_projects(id) ON DELETE CASCADE,
  ine5 text REFERENCES global_municipalities(ine5),
  entity_name text,
  stage text NOT NULL DEFAULT 'adopted' CHECK (stage IN ('interested', 'adopting', 'adopted')),
  note text,
  account_id text REFERENCES global_obs_accounts(id),
  at timestamptz NOT NULL DEFAULT now(),
  CHECK (ine5 IS NOT NULL OR entity_name IS NOT NULL)
);
CREATE UNIQUE INDEX global_obs_adoptions_unique ON global_obs_adoptions (project_id, coalesce(ine5, ''), coalesce(entity_name, ''));

-- In-app notifications for observatory and forum accounts; e-mail digests are built from them.
CREATE TABLE global_obs_notifications (
  id bigserial PRIMARY KEY,
  account_id text NOT NULL REFERENCES global_obs_accounts(id) ON DELETE CASCADE,
  kind text NOT NULL,
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  emailed_at timestamptz
);
CREATE INDEX global_obs_notifications_account ON global_obs_notifications (account_id, created_at DESC);
