/**
 * Where uploaded files live (filing attachments, observatory project documents). Files are first written under a
 * temporary key and only made final after the database transaction that refers to them commits; on rollback the
 * temporary files are discarded. So a record has all of its files or none, and no orphan file stays behind.
 */
export interface FileStorage {
  readonly kind: 'local' | 's3' | (string & {});
  /** Stores bytes under a temporary key (not yet part of any record). */
  putTemp(data: Buffer): Promise<string>;
  /** Makes a temporary file final under `key`. */
  commit(tempKey: string, key: string): Promise<void>;
  /** Removes a temporary file; never fails when it is already gone. */
  discard(tempKey: string): Promise<void>;
  /** The bytes of a final file; `storage.not_found` (AppError 404) when there is none. */
  read(key: string): Promise<Buffer>;
  /** Removes a final file; never fails when it is already gone. */
  remove(key: string): Promise<void>;
  /** Lists the keys under a prefix (operators' checks and tests: orphans, usage). */
  list(prefix: string): Promise<string[]>;
  /** Releases connections (S3 client sockets); nothing to do for local files. */
  close?(): void;
}

/** Keys are relative, made of safe segments: `<tenant>/<year>/<uuid>/<uuid>`, `.tmp/<uuid>`. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((s) => s === '.' || s === '..')) {
    throw new Error(`unsafe storage key: ${key}`);
  }
}
