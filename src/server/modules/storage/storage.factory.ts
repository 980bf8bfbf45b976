import path from 'node:path';
import type { Config } from '../../config.ts';
import { createLocalFileStorage } from './local.ts';
import { createS3FileStorage } from './s3.ts';
import type { FileStorage } from './storage.types.ts';

type StorageConfig = Pick<Config, 'dataDir' | 'S3_BUCKET' | 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_PREFIX' | 'S3_FORCE_PATH_STYLE'>;

/**
 * The storage the configuration asks for: an S3-compatible bucket when S3_BUCKET is set, else DATA_DIR/files.
 * `area` keeps each domain's files apart (a key prefix in S3, a sub-folder on disk).
 */
export function createFileStorage(config: StorageConfig, area: 'filings' | 'observatory'): FileStorage {
  if (config.S3_BUCKET && config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY) {
    return createS3FileStorage({
      bucket: config.S3_BUCKET,
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      prefix: [config.S3_PREFIX, area].filter(Boolean).join('/'),
    });
  }
  // Filings keep the folder they always had (DATA_DIR/files) so existing installations find their attachments.
  const root = area === 'filings' ? path.join(config.dataDir, 'files') : path.join(config.dataDir, 'files', `_${area}`);
  return createLocalFileStorage(root);
}
