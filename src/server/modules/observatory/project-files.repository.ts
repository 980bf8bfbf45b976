/**
 * Documentation files of projects (the rows; the bytes are in file storage).
 */
import type { Queryable } from '../../db/db.ts';

export interface ProjectFileRow {
  id: string;
  project_id: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by: string | null;
  created_at: Date;
}

export async function insertProjectFile(db: Queryable, f: Omit<ProjectFileRow, 'created_at'>): Promise<ProjectFileRow> {
  const r = await db.query<ProjectFileRow>(
    `INSERT INTO global_obs_project_files (id, project_id, file_name, mime_type, size_bytes, sha256, storage_key, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [f.id, f.project_id, f.file_name, f.mime_type, f.size_bytes, f.sha256, f.storage_key, f.uploaded_by],
  );
  const row = r.rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** A project's files, oldest first. */
export async function listProjectFiles(db: Queryable, projectId: string): Promise<ProjectFileRow[]> {
  const r = await db.query<ProjectFileRow>('SELECT * FROM global_obs_project_files WHERE project_id = $1 ORDER BY created_at, id', [projectId]);
  return r.rows;
}

export async function findProjectFile(db: Queryable, projectId: string, fileId: string): Promise<ProjectFileRow | undefined> {
  const r = await db.query<ProjectFileRow>('SELECT * FROM global_obs_project_files WHERE project_id = $1 AND id = $2', [projectId, fileId]);
  return r.rows[0];
}

/** Files by id, oldest first (after a failed upload: did its transaction commit after all?). */
export async function findProjectFilesByIds(db: Queryable, ids: readonly string[]): Promise<ProjectFileRow[]> {
  if (ids.length === 0) return [];
  const r = await db.query<ProjectFileRow>('SELECT * FROM global_obs_project_files WHERE id = ANY($1::text[]) ORDER BY created_at, id', [ids]);
  return r.rows;
}

/** Whether a committed file row owns these bytes (the pending-files reconciler keeps them then). */
export async function projectFileOwnsKey(db: Queryable, fileId: string, storageKey: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM global_obs_project_files WHERE id = $1 AND storage_key = $2', [fileId, storageKey]);
  return r.rows.length > 0;
}

/** Deletes the row and returns it (undefined when it was already gone, e.g. a concurrent delete). */
export async function deleteProjectFile(db: Queryable, projectId: string, fileId: string): Promise<ProjectFileRow | undefined> {
  const r = await db.query<ProjectFileRow>('DELETE FROM global_obs_project_files WHERE project_id = $1 AND id = $2 RETURNING *', [projectId, fileId]);
  return r.rows[0];
}

