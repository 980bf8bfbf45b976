import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { AppError } from '../../errors.ts';
import { assertSafeKey, type FileStorage } from './storage.types.ts';

export interface S3StorageOptions {
  /** The S3-compatible endpoint (MinIO, Garage, Ceph RGW, a cloud provider); unset for AWS itself. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Put every key under this prefix (several installations sharing one bucket). */
  prefix?: string;
  /** Path-style URLs (`endpoint/bucket/key`): what most self-hosted S3 servers need. */
  forcePathStyle?: boolean;
  /** Keys per listing request (S3's maximum and default is 1,000). */
  listPageSize?: number;
}

/**
 * Files in an S3-compatible bucket. S3 has no rename, so commit is a server-side copy from `.tmp/` followed by a
 * delete of the temporary object; if the delete fails the copy is still whole and a lifecycle rule on `.tmp/`
 * (documented in docs/connectors.md) sweeps the leftover.
 */
export function createS3FileStorage(opts: S3StorageOptions): FileStorage {
  const client = new S3Client({
    region: opts.region,
    endpoint: opts.endpoint,
    forcePathStyle: opts.forcePathStyle ?? true,
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    // Only send checksums where S3 requires them: several compatible servers reject the newer trailing checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const base = opts.prefix ? opts.prefix.replace(/\/+$/, '') + '/' : '';
  const full = (key: string) => {
    assertSafeKey(key);
    return base + key;
  };
  const Bucket = opts.bucket;
  const isMissing = (err: unknown) => err instanceof NoSuchKey || (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404));
  const removeKey = async (key: string) => {
    await client.send(new DeleteObjectCommand({ Bucket, Key: full(key) })).catch((err: unknown) => {
      if (!isMissing(err)) throw err;
    });
  };

  return {
    kind: 's3',
    async put(key, data) {
      // One PutObject is atomic (the key appears whole or not at all); Content-MD5 makes the server refuse damaged bytes.
      const md5 = createHash('md5').update(data).digest('base64');
      await client.send(new PutObjectCommand({ Bucket, Key: full(key), Body: data, ContentLength: data.length, ContentMD5: md5 }));
    },
    async stat(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key: full(key) }));
        return { size: Number(out.ContentLength ?? 0) };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async sweepTemp(olderThan) {
      const stale: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: `${base}.tmp/`, ContinuationToken: token, MaxKeys: opts.listPageSize }));
        for (const o of page.Contents ?? []) if (o.Key && o.LastModified && o.LastModified < olderThan) stale.push(o.Key.slice(base.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      for (const key of stale) await removeKey(key);
      return stale.sort();
    },
    async read(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: full(key) }));
        if (!out.Body) throw new AppError('storage.not_found');
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (err) {
        if (isMissing(err)) throw new AppError('storage.not_found');
        throw err;
      }
    },
    remove: removeKey,
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: base + prefix, ContinuationToken: token, MaxKeys: opts.listPageSize }));
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(base.length));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    close: () => client.destroy(),
  };
}
