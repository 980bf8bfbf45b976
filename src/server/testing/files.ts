/** Small real files for upload tests (filings, storage, security probes): a PDF from pdf-lib, a 1x1 PNG, a JPEG header, and impostors. */
import { PDFDocument } from 'pdf-lib';

export async function tinyPdf(text = 'Documento adjunto'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 100]);
  page.drawText(text, { x: 10, y: 50, size: 10 });
  return Buffer.from(await doc.save());
}

export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
export const TINY_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]), Buffer.alloc(64), Buffer.from([0xff, 0xd9])]);
/** A Windows executable renamed to look like a PDF. */
export const EXE_NAMED_PDF = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)]);
