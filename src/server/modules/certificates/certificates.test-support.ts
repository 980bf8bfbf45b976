import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// jsqr is CommonJS: its module object carries the function as `default` too (the one its types describe).
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import type { LoadedTenant } from '../tenants/index.ts';
import type { PadronCertificateData } from './padron-certificate.renderer.ts';

/** A demo household for tests and the bench (fictitious people). */
export function sampleHousehold(council: LoadedTenant, kind: 'individual' | 'collective', language: PadronCertificateData['language'] = 'es'): PadronCertificateData {
  const everyone = [
    { dni: '12345678Z', givenName: 'Lucía', surname: 'Ferrández Pérez', birthDate: '1984-03-09', registeredSince: '2009-06-15' },
    { dni: 'X1234567L', givenName: 'Jordi', surname: 'Llorens i Martí', birthDate: '1981-11-23', registeredSince: '2012-01-10' },
    { dni: '87654321X', givenName: 'Núria', surname: 'Llorens Ferrández', birthDate: '2014-05-30', registeredSince: '2014-05-30' },
  ];
  return {
    council,
    language,
    kind,
    householdId: 'H-03014-0042',
    address: { line: 'Carrer de Sant Vicent 12, 3r A', postalCode: '03004', municipality: 'Alacant', province: 'Alacant' },
    inhabitants: kind === 'individual' ? everyone.slice(0, 1) : everyone,
  };
}

/** Moved to src/server/testing/poppler.ts (tests of other modules use it too); kept here for the certificates tests. */
export { runPoppler } from '../../testing/poppler.ts';

/** Renders the first page (pdftoppm, 150 dpi) and reads the QR code on it, as a phone camera would. */
export function readQrCode(pdf: Buffer): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'vt-qr-'));
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, 'page')]);
  const png = PNG.sync.read(readFileSync(path.join(dir, 'page.png')));
  return jsqr.default(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}
