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

/** Extensions that name the same type as the one file-type reports (it says `jpg` for every JPEG). */
const EXT_ALIASES: Record<string, readonly string[]> = { jpg: ['jpg', 'jpeg', 'jpe', 'jfif'], tif: ['tif', 'tiff'] };
const MAX_NAME = 120;

/**
 * A file name safe to store, show and offer for download: no folders, no control characters, no format characters
 * (bidi overrides such as U+202E would show "fdp.exe" as "exe.pdf"), no characters Windows refuses, at most 120
 * characters; letters of every script are kept ("Memòria.pdf"). With `ext` (the type sniffed from the bytes), the
 * name ends in that type's extension: `page.html` holding a PDF is stored as `page.pdf`.
 */
export function cleanFileName(name: string, ext?: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/["*:<>?|]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (!ext) return [...cleaned].slice(0, MAX_NAME).join('') || 'file';
  const dot = cleaned.lastIndexOf('.');
  const current = dot > 0 ? cleaned.slice(dot + 1) : '';
  // "page.html" -> "page" + ".pdf"; "Informe v1.2" keeps its "2" and gets ".pdf" added.
  const isExtension = /^[a-z0-9]{1,5}$/i.test(current) && /[a-z]/i.test(current);
  if (isExtension && (EXT_ALIASES[ext] ?? [ext]).includes(current.toLowerCase())) return shorten(cleaned.slice(0, dot), cleaned.slice(dot + 1));
  const stem = (isExtension ? cleaned.slice(0, dot) : cleaned).replace(/[\s.]+$/, '');
  return shorten(stem, ext);
}

/** `stem.ext` in at most MAX_NAME characters, cutting the stem (never inside a surrogate pair), never the extension. */
function shorten(stem: string, ext: string): string {
  const kept = [...stem].slice(0, MAX_NAME - ext.length - 1).join('').trim();
  return `${kept || 'file'}.${ext}`;
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
    const sniffed = await fileTypeFromBuffer(f.data);
    if (!sniffed || !limits.accepted.includes(sniffed.mime)) throw new AppError(`${ns}.unsupported_type`, { status: 415, params: { name, types: limits.accepted.map(typeLabel).join(', ') } });
    out.push({ fileName: cleanFileName(f.fileName, sniffed.ext), data: f.data, mime: sniffed.mime, sha256: createHash('sha256').update(f.data).digest('hex') });
  }
  return out;
}
