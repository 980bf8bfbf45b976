import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes the PDF to a temporary file and runs a poppler tool on it (pdfsig, pdftotext). */
export function runPoppler(tool: 'pdfsig' | 'pdftotext', pdf: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vt-cert-'));
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  const args = tool === 'pdftotext' ? ['-layout', file, '-'] : [file];
  try {
    return execFileSync(tool, args, { encoding: 'utf8' });
  } catch (err) {
    // pdfsig exits non-zero when the certificate is untrusted; its report is still on stdout.
    const out = (err as { stdout?: unknown }).stdout;
    if (typeof out === 'string' && out) return out;
    throw err;
  }
}
