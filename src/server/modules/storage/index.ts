/** File storage for uploads (filing attachments, observatory documents): local folder by default, or S3-compatible. */
export { assertSafeKey, type FileStorage } from './storage.types.ts';
export { createLocalFileStorage } from './local.ts';
export { createS3FileStorage, type S3StorageOptions } from './s3.ts';
export { createFileStorage } from './storage.factory.ts';
export { inspectUploads, cleanFileName, typeLabel, type Upload, type UploadLimits, type InspectedUpload } from './uploads.ts';
export { pendingFilesJournal, discardPending, reconcilePendingFiles, type PendingFile, type ReconcileOptions, type ReconcileResult } from './pending-files.ts';
export { contentDisposition } from './content-disposition.ts';
