/**
 * Where uploaded files live (filing attachments, observatory project documents).
 *
 * A record must have all of its files or none. Filings write each file under its final key with `put` BEFORE the
 * database transaction that refers to it commits, listed first in the `pending_files` journal (pending-files.ts):
 * a failure or rollback deletes them, and a crash leaves journal rows that the reconciler turns into deletions. So
 * once the record is committed its files are already in place, and nothing has to be moved afterwards.
 * There is deliberately no "write to a temporary key, move after the commit" operation: that window lost a
 * filing's attachments (HIGH-2 of the 2026-12-04 security review).
 */
export interface FileStorage {
  readonly kind: 'local' | 's3' | (string & {});
  /**
   * Stores bytes under their final key, whole or not at all: a reader never sees a partly written file (local:
   * written to `.tmp/` and renamed; S3: one PutObject, checked with Content-MD5). Durable when it resolves.
   */
  put(key: string, data: Buffer): Promise<void>;
  /** The size in bytes of a final file, or undefined when there is none (to verify a `put`). */
  stat(key: string): Promise<{ size: number } | undefined>;
  /** Removes temporary files (`.tmp/`) last written before `olderThan`, left by a crash or a lost delete; returns their keys. */
  sweepTemp(olderThan: Date): Promise<string[]>;
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
