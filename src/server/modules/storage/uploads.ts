import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../../errors.ts';

export interface UploadLimits {
  /** Files per record. */
  maxFiles: number;
  /** Bytes per file. */
  maxFileBytes: number;
  /** MIME types accepted, as decided from the bytes (never from the name or the declared type). */
  accepted: readonly string[];
}

export interface Upload {
  fileName: string;
  data: Buffer;
}

export interface InspectedUpload extends Upload {
  mime: string;
  sha256: string;
}

/** A file name safe to store and show: no folders, no control characters, at most 120 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 120);
  return cleaned || 'file';
}

const LABELS: Record<string, string> = {
  'application/vnd.oasis.opendocument.text': 'ODT',
  'application/vnd.oasis.opendocument.spreadsheet': 'ODS',
  'application/vnd.oasis.opendocument.presentation': 'ODP',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
};
/** The short name people know a type by: PDF, JPEG, ODT. */
export const typeLabel = (mime: string): string => LABELS[mime] ?? (mime.split('/')[1] ?? mime).toUpperCase();

/**
 * Checks uploads before anything is stored: count, size, and the type sniffed from the content (a renamed
 * executable is refused). Errors are `<ns>.too_many_files` (413), `<ns>.empty_file` (400), `<ns>.file_too_large`
 * (413) and `<ns>.unsupported_type` (415), so each domain words them for its own users.
 */
export async function inspectUploads(files: readonly Upload[], limits: UploadLimits, ns: string): Promise<InspectedUpload[]> {
  if (files.length > limits.maxFiles) throw new AppError(`${ns}.too_many_files`, { status: 413, params: { max: limits.maxFiles } });
  const out: InspectedUpload[] = [];
  for (const f of files) {
    const name = cleanFileName(f.fileName);
    if (f.data.length === 0) throw new AppError(`${ns}.empty_file`, { status: 400, params: { name } });
    if (f.data.length > limits.maxFileBytes) throw new AppError(`${ns}.file_too_large`, { status: 413, params: { name, maxMb: Math.floor(limits.maxFileBytes / 1_048_576) } });
    const mime = (await fileTypeFromBuffer(f.data))?.mime;
    if (!mime || !limits.accepted.includes(mime)) throw new AppError(`${ns}.unsupported_type`, { status: 415, params: { name, types: limits.accepted.map(typeLabel).join(', ') } });
    out.push({ fileName: name, data: f.data, mime, sha256: createHash('sha256').update(f.data).digest('hex') });
  }
  return out;
}
