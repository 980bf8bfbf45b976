import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { assertSafeKey, type FileStorage } from './storage.types.ts';

/** Files under one folder (DATA_DIR/files); the temporary area is inside it, on the same disk, so commit is an atomic rename. */
export function createLocalFileStorage(root: string): FileStorage {
  const fileOf = (key: string) => {
    assertSafeKey(key);
    return path.join(root, key);
  };
  return {
    kind: 'local',
    async putTemp(data) {
      const key = `.tmp/${randomUUID()}`;
      await mkdir(path.join(root, '.tmp'), { recursive: true });
      await writeFile(fileOf(key), data, { flag: 'wx', mode: 0o640 });
      return key;
    },
    async commit(tempKey, key) {
      const dest = fileOf(key);
      await mkdir(path.dirname(dest), { recursive: true });
      await rename(fileOf(tempKey), dest);
    },
    async discard(tempKey) {
      await rm(fileOf(tempKey), { force: true });
    },
    async read(key) {
      try {
        return await readFile(fileOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('storage.not_found', { status: 404 });
        throw err;
      }
    },
    async remove(key) {
      await rm(fileOf(key), { force: true });
    },
    async list(prefix) {
      const dir = prefix === '' ? root : fileOf(prefix.replace(/\/$/, ''));
      try {
        const entries = await readdir(dir, { recursive: true, withFileTypes: true });
        return entries
          .filter((e) => e.isFile())
          .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
          .sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
  };
}
