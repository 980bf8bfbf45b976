/**
 * Where attachments live. Files are first written to a temporary place, and only moved to their final key after
 * the filing's transaction commits; on rollback the temporary files are removed. So a filing has all of its
 * attachments or none, and no orphan file stays behind.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface FileStorage {
  readonly kind: 'local' | 's3' | (string & {});
  /** Stores bytes under a temporary key (not yet part of any filing). */
  putTemp(data: Buffer): Promise<string>;
  /** Makes a temporary file final under `key` (atomic rename for local storage). */
  commit(tempKey: string, key: string): Promise<void>;
  /** Removes a temporary file; never fails when it is already gone. */
  discard(tempKey: string): Promise<void>;
  read(key: string): Promise<Buffer>;
}

/** Files under DATA_DIR/files (the temporary area is a sibling folder on the same disk, so rename is atomic). */
export function createLocalFileStorage(root: string): FileStorage {
  const tmpDir = path.join(root, '.tmp');
  const safe = (key: string) => {
    const file = path.resolve(root, key);
    if (!file.startsWith(path.resolve(root) + path.sep)) throw new Error(`storage key outside the root: ${key}`);
    return file;
  };
  return {
    kind: 'local',
    async putTemp(data) {
      await mkdir(tmpDir, { recursive: true });
      const key = `.tmp/${randomUUID()}`;
      await writeFile(safe(key), data, { flag: 'wx', mode: 0o640 });
      return key;
    },
    async commit(tempKey, key) {
      const dest = safe(key);
      await mkdir(path.dirname(dest), { recursive: true });
      await rename(safe(tempKey), dest);
    },
    async discard(tempKey) {
      await rm(safe(tempKey), { force: true });
    },
    async read(key) {
      return readFile(safe(key));
    },
  };
}

/**
 * The contract an S3-compatible adapter implements (off by default; see docs/connectors.md): putTemp uploads
 * to a `tmp/` prefix, commit copies to the final key and deletes the temporary object, discard deletes it.
 */
export type S3StorageOptions = { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };
