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

  it('stores bytes whole under their final key, serves exactly them, and leaves no temporary file', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    await storage.put('alacant/2026/f1/a1', bytes);
    expect(await storage.list('.tmp/')).toEqual([]);
    expect(await storage.list('alacant/')).toEqual(['alacant/2026/f1/a1']);
    expect(await storage.stat('alacant/2026/f1/a1')).toEqual({ size: bytes.length });
    expect((await storage.read('alacant/2026/f1/a1')).equals(bytes)).toBe(true);
  });

  it('removes a final file harmlessly when repeated, and sweeps temporary files older than asked', async () => {
    await storage.put('medina/2026/f2/a1', Buffer.from('x'));
    await storage.remove('medina/2026/f2/a1');
    await storage.remove('medina/2026/f2/a1');
    expect(await storage.list('medina/')).toEqual([]);
    expect(await storage.stat('medina/2026/f2/a1')).toBeUndefined();
    // What a crash in the middle of a write leaves behind.
    await storage.put('.tmp/crash-leftover', Buffer.from('medio'));
    expect(await storage.sweepTemp(new Date(Date.now() - 3_600_000))).toEqual([]);
    expect(await storage.sweepTemp(new Date(Date.now() + 60_000))).toEqual(['.tmp/crash-leftover']);
    expect(await storage.list('.tmp/')).toEqual([]);
  });

  it('answers storage.not_found (404) for a missing key and refuses keys that climb out of the store', async () => {
    await expect(storage.read('alacant/2026/none/none')).rejects.toMatchObject({ code: 'storage.not_found', status: 404 });
    await expect(storage.read('../etc/passwd')).rejects.toThrow(/unsafe storage key/);
    await expect(storage.put('a/../../b', Buffer.from('x'))).rejects.toThrow(/unsafe storage key/);
  });

  it('lists every key under a prefix, across listing pages (10 keys a page for S3 here)', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `bulk/${String(i).padStart(2, '0')}`);
    for (const k of keys) await storage.put(k, Buffer.from(k));
    expect(await storage.list('bulk/')).toEqual(keys);
  }, 60_000);
});

describe('S3 storage prefixes', () => {
  it('keeps two installations sharing a bucket apart', async () => {
    const s3 = await startTestS3();
    const a = createS3FileStorage({ ...s3.options, prefix: 'a' });
    const b = createS3FileStorage({ ...s3.options, prefix: 'b' });
    try {
      await a.put('x/1', Buffer.from('from a'));
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
