import { describe, expect, it } from 'vitest';
import { tinyPdf, TINY_JPEG, TINY_PNG } from '../../testing/files.ts';
import { cleanFileName, contentDisposition, inspectUploads } from './index.ts';

const limits = { maxFiles: 5, maxFileBytes: 1_000_000, accepted: ['application/pdf', 'image/jpeg', 'image/png'] };

describe('stored file names (LOW-6)', () => {
  it('LOW-6: a file name ends in the extension of the type sniffed from its bytes, whatever the citizen called it', async () => {
    const pdf = await tinyPdf();
    const names = (await inspectUploads(
      [
        { fileName: 'page.html', data: pdf },
        { fileName: '<img src=x onerror=alert(1)>.png', data: pdf },
        { fileName: 'foto.JPEG', data: TINY_JPEG },
        { fileName: 'escaneo', data: TINY_PNG },
        { fileName: 'Informe v1.2', data: pdf },
      ],
      limits,
      'filings',
    )).map((f) => f.fileName);
    expect(names).toEqual(['page.pdf', '_img src=x onerror=alert(1)_.pdf', 'foto.JPEG', 'escaneo.png', 'Informe v1.2.pdf']);
  });

  it('LOW-6: bidi overrides, other format characters and control characters are removed; folders are dropped', () => {
    expect(cleanFileName('../../../etc/\u202Efdp.exe', 'pdf')).toBe('fdp.pdf');
    expect(cleanFileName('a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2067g\u2068h\u2069i\u200Ej\u200Fk\u200Bl\uFEFFm\u061Cn.pdf', 'pdf')).toBe('abcdefghijklmn.pdf');
    expect(cleanFileName('C:\\Users\\ana\\tab\there\u0000\u0007\u007f.pdf', 'pdf')).toBe('tabhere.pdf');
    expect(cleanFileName('\u202E', 'png')).toBe('file.png');
    expect(cleanFileName('\u202E')).toBe('file');
  });

  it('LOW-6: letters of every script are kept, composed (NFC), and a long name is cut without losing its extension', () => {
    expect(cleanFileName('Memòria.pdf', 'pdf')).toBe('Memòria.pdf');
    expect(cleanFileName('Memo\u0300ria.pdf', 'pdf')).toBe('Memòria.pdf');
    expect(cleanFileName('Sol·licitud d’ajuda — 2026.pdf', 'pdf')).toBe('Sol·licitud d’ajuda — 2026.pdf');
    expect(cleanFileName('申请书.pdf', 'pdf')).toBe('申请书.pdf');
    const long = cleanFileName(`${'😀'.repeat(200)}.exe`, 'pdf');
    expect([...long]).toHaveLength(120);
    expect(long.endsWith('😀.pdf')).toBe(true);
  });
});

describe('Content-Disposition for downloads (LOW-6)', () => {
  it('LOW-6: offers an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 5987)', () => {
    expect(contentDisposition('attachment', 'Memòria.pdf')).toBe(`attachment; filename="Memoria.pdf"; filename*=UTF-8''Mem%C3%B2ria.pdf`);
    expect(contentDisposition('inline', 'justificante REG-2026-000001.pdf')).toBe(`inline; filename="justificante REG-2026-000001.pdf"; filename*=UTF-8''justificante%20REG-2026-000001.pdf`);
    expect(contentDisposition('attachment', '申请书.pdf')).toBe(`attachment; filename="___.pdf"; filename*=UTF-8''%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf`);
  });

  it('LOW-6: quotes, backslashes, line breaks and bidi characters cannot break out of or disguise the header', () => {
    const h = contentDisposition('attachment', 'a"b\\c\r\nSet-Cookie: x=1\u202Efdp.exe\'(1)*.pdf');
    expect(h).toBe(`attachment; filename="a_b_cSet-Cookie: x=1fdp.exe'(1)*.pdf"; filename*=UTF-8''a%22b%5CcSet-Cookie%3A%20x%3D1fdp.exe%27%281%29%2A.pdf`);
    expect(h).not.toMatch(/[\r\n\u202E]/);
  });
});
