-- Forum of the observatory (issue 8): categories by area, a thread per project, free threads.
CREATE TABLE global_forum_categories (
  id text PRIMARY KEY,
  position integer NOT NULL,
  names jsonb NOT NULL
);
INSERT INTO global_forum_categories (id, position, names) VALUES
 ('first-line-care', 1, '{"es":"Primera línea de atención ciudadana","ca":"Primera línia d''atenció ciutadana","en":"First line of citizen care"}'),
 ('services-procedures', 2, '{"es":"Servicios y trámites","ca":"Servicis i tràmits","en":"Services and procedures"}'),
 ('social-services', 3, '{"es":"Servicios sociales","ca":"Servicis socials","en":"Social services"}'),
 ('participation-open-government', 4, '{"es":"Participación y gobierno abierto","ca":"Participació i govern obert","en":"Participation and open government"}'),
 ('planning-management', 5, '{"es":"Planificación y gestión pública","ca":"Planificació i gestió pública","en":"Public planning and management"}'),
 ('comprehensive-transformation', 6, '{"es":"Transformación integral y cambio cultural","ca":"Transformació integral i canvi cultural","en":"Comprehensive transformation and cultural change"}'),
 ('general', 7, '{"es":"General","ca":"General","en":"General"}');

CREATE TABLE global_forum_threads (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  category_id text NOT NULL REFERENCES global_forum_categories(id),
  project_id text REFERENCES global_obs_projects(id) ON DELETE CASCADE,
  title text NOT NULL,
  author_account_id text REFERENCES global_obs_accounts(id),
  is_locked boolean NOT NULL DEFAULT false,
  is_hidden boolean NOT NULL DEFAULT false,
  post_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_post_at timestamptz NOT NULL DEFAULT now()
);
-- One discussion thread per project (free threads have no project).
CREATE UNIQUE INDEX global_forum_threads_project ON global_forum_threads (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX global_forum_threads_category ON global_forum_threads (category_id, last_post_at DESC);

CREATE TABLE global_forum_posts (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  thread_id text NOT NULL REFERENCES global_forum_threads(id) ON DELETE CASCADE,
  author_account_id text NOT NULL REFERENCES global_obs_accounts(id),
  body_md text NOT NULL,
  body_html text NOT NULL,
  is_hidden boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  edited_at timestamptz,
  search_tsv tsvector
);
CREATE INDEX global_forum_posts_thread ON global_forum_posts (thread_id, created_at);
CREATE INDEX global_forum_posts_tsv ON global_forum_posts USING gin (search_tsv);

-- Edit history: the text before each edit.
CREATE TABLE global_forum_post_revisions (
  id bigserial PRIMARY KEY,
  post_id text NOT NULL REFERENCES global_forum_posts(id) ON DELETE CASCADE,
  body_md text NOT NULL,
  replaced_at timestamptz NOT NULL DEFAULT now(),
  editor_account_id text REFERENCES global_obs_accounts(id)
);

-- Follow/watch: a thread, a project (its thread and its changes) or a whole category.
CREATE TABLE global_forum_watches (
  account_id text NOT NULL REFERENCES global_obs_accounts(id) ON DELETE CASCADE,
  target_type text NOT NULL CHECK (target_type IN ('thread', 'project', 'category')),
  target_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, target_type, target_id)
);
CREATE INDEX global_forum_watches_target ON global_forum_watches (target_type, target_id);

CREATE TABLE global_forum_flags (
  id bigserial PRIMARY KEY,
  post_id text NOT NULL REFERENCES global_forum_posts(id) ON DELETE CASCADE,
  reporter_account_id text NOT NULL REFERENCES global_obs_accounts(id),
  reason text NOT NULL CHECK (reason IN ('spam', 'abuse', 'off-topic', 'personal-data', 'other')),
  note text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'dismissed')),
  resolved_by text REFERENCES global_obs_accounts(id),
  resolved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX global_forum_flags_once ON global_forum_flags (post_id, reporter_account_id);
CREATE INDEX global_forum_flags_open ON global_forum_flags (status, created_at);

-- "Contact the owner", "request a visit", "request a collaboration": tracked with a status.
CREATE TABLE global_forum_requests (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  project_id text NOT NULL REFERENCES global_obs_projects(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('contact', 'visit', 'collaboration')),
  from_account_id text NOT NULL REFERENCES global_obs_accounts(id),
  to_account_id text REFERENCES global_obs_accounts(id),
  message text NOT NULL,
  proposed_date date,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined', 'done', 'cancelled')),
  status_history jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX global_forum_requests_to ON global_forum_requests (to_account_id, status);
CREATE INDEX global_forum_requests_from ON global_forum_requests (from_account_id, status);
