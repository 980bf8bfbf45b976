-- Observatory project documentation files (issue 8, level six "documentation: links, files and videos").
-- The bytes live in the file storage (DATA_DIR/files/_observatory or the S3 bucket, prefix "observatory");
-- a row exists only once its file was committed there (see ObservatoryService.addProjectFiles).
CREATE TABLE global_obs_project_files (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES global_obs_projects(id) ON DELETE CASCADE,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 120),
  mime_type text NOT NULL CHECK (length(mime_type) BETWEEN 3 AND 200),
  -- Bytes; the service refuses more than 20 MB per file, the check is a backstop (1 GiB).
  size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 1073741824),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  storage_key text NOT NULL UNIQUE,
  uploaded_by text REFERENCES global_obs_accounts(id) ON DELETE SET NULL,
  -- clock_timestamp(), not now(): files of one upload share a transaction, and the list keeps their order.
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX global_obs_project_files_project ON global_obs_project_files (project_id, created_at);
