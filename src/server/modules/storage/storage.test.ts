import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3, type TestS3 } from '../../testing/s3-server.ts';
import { createLocalFileStorage, createS3FileStorage, type FileStorage } from './index.ts';

// One contract, two implementations: whatever passes here can hold filings and observatory documents.
const implementations: [string, () => Promise<{ storage: FileStorage; stop: () => Promise<void> }>][] = [
  ['local folder', async () => ({ storage: createLocalFileStorage(mkdtempSync(path.join(tmpdir(), 'vt-store-'))), stop: async () => undefined })],
  [
    'S3-compatible server',
    async () => {
      const s3: TestS3 = await startTestS3();
      const storage = createS3FileStorage({ ...s3.options, prefix: 'install-a', listPageSize: 10 });
      return {
        storage,
        stop: async () => {
          storage.close?.();
          await s3.close();
        },
      };
    },
  ],
];

describe.each(implementations)('file storage: %s', (_name, make) => {
  let storage: FileStorage;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, stop } = await make());
  }, 30_000);
  afterAll(async () => stop());

  it('keeps an upload temporary until commit, then serves exactly its bytes under the final key', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    const temp = await storage.putTemp(bytes);
    expect(temp).toMatch(/^\.tmp\/[0-9a-f-]{36}$/);
    expect(await storage.list('alacant/')).toEqual([]);
    await storage.commit(temp, 'alacant/2026/f1/a1');
    expect(await storage.list('.tmp/')).toEqual([]);
    expect(await storage.list('alacant/')).toEqual(['alacant/2026/f1/a1']);
    expect((await storage.read('alacant/2026/f1/a1')).equals(bytes)).toBe(true);
  });

  it('discards a temporary upload and removes a final file, and both are harmless when repeated', async () => {
    const temp = await storage.putTemp(Buffer.from('%PDF-1.4 borrador'));
    await storage.discard(temp);
    await storage.discard(temp);
    expect(await storage.list('.tmp/')).toEqual([]);
    const keep = await storage.putTemp(Buffer.from('x'));
    await storage.commit(keep, 'medina/2026/f2/a1');
    await storage.remove('medina/2026/f2/a1');
    await storage.remove('medina/2026/f2/a1');
    expect(await storage.list('medina/')).toEqual([]);
  });

  it('answers storage.not_found (404) for a missing key and refuses keys that climb out of the store', async () => {
    await expect(storage.read('alacant/2026/none/none')).rejects.toMatchObject({ code: 'storage.not_found', status: 404 });
    await expect(storage.read('../etc/passwd')).rejects.toThrow(/unsafe storage key/);
    await expect(storage.commit('.tmp/x', 'a/../../b')).rejects.toThrow(/unsafe storage key/);
  });

  it('lists every key under a prefix, across listing pages (10 keys a page for S3 here)', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `bulk/${String(i).padStart(2, '0')}`);
    for (const k of keys) await storage.commit(await storage.putTemp(Buffer.from(k)), k);
    expect(await storage.list('bulk/')).toEqual(keys);
  }, 60_000);
});

describe('S3 storage prefixes', () => {
  it('keeps two installations sharing a bucket apart', async () => {
    const s3 = await startTestS3();
    const a = createS3FileStorage({ ...s3.options, prefix: 'a' });
    const b = createS3FileStorage({ ...s3.options, prefix: 'b' });
    try {
      await a.commit(await a.putTemp(Buffer.from('from a')), 'x/1');
      expect(await b.list('')).toEqual([]);
      await expect(b.read('x/1')).rejects.toMatchObject({ code: 'storage.not_found' });
      expect((await a.read('x/1')).toString()).toBe('from a');
    } finally {
      a.close?.();
      b.close?.();
      await s3.close();
    }
  });
});
