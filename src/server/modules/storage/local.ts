import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors.ts';
import { assertSafeKey, type FileStorage } from './storage.types.ts';

/** Files under one folder (DATA_DIR/files); `put` writes into `.tmp/` inside it, on the same disk, so the rename into place is atomic. */
export function createLocalFileStorage(root: string): FileStorage {
  const fileOf = (key: string) => {
    assertSafeKey(key);
    return path.join(root, key);
  };
  const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';
  /** Flushes a file or folder to the disk: a record committed after `put` must not point at bytes still in the page cache. */
  const sync = async (p: string, flag: 'r' | 'r+') => {
    const fh = await open(p, flag);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  };
  return {
    kind: 'local',
    async put(key, data) {
      const dest = fileOf(key);
      const temp = fileOf(`.tmp/${randomUUID()}`);
      await mkdir(path.join(root, '.tmp'), { recursive: true });
      try {
        await writeFile(temp, data, { flag: 'wx', mode: 0o640 });
        await sync(temp, 'r+');
        await mkdir(path.dirname(dest), { recursive: true });
        // Same disk, so the rename is atomic: the key holds the whole file or nothing.
        await rename(temp, dest);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      // The folder entry too, or a power cut could forget the rename.
      await sync(path.dirname(dest), 'r').catch(() => undefined);
    },
    async stat(key) {
      try {
        const st = await stat(fileOf(key));
        return st.isFile() ? { size: st.size } : undefined;
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async sweepTemp(olderThan) {
      const dir = path.join(root, '.tmp');
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if (isMissing(err)) return [];
        throw err;
      }
      const removed: string[] = [];
      for (const name of names.sort()) {
        const st = await stat(path.join(dir, name)).catch(() => undefined);
        if (!st?.isFile() || st.mtime >= olderThan) continue;
        await rm(path.join(dir, name), { force: true });
        removed.push(`.tmp/${name}`);
      }
      return removed;
    },
    async read(key) {
      try {
        return await readFile(fileOf(key));
      } catch (err) {
        if (isMissing(err)) throw new AppError('storage.not_found');
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
        if (isMissing(err)) return [];
        throw err;
      }
    },
  };
}
