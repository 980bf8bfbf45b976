/**
 * A Content-Disposition header for a file name of any script (RFC 6266 with RFC 5987's `filename*`): an ASCII
 * `filename` for old clients, and the exact UTF-8 name, so "Memòria.pdf" is saved as "Memòria.pdf" and never as
 * "Mem%C3%B2ria.pdf". Quotes, backslashes and control characters cannot break out of the header.
 */
export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  const safe = stripUnsafe(name) || 'file';
  const ascii =
    safe
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\%]/g, '_')
      .trim() || 'file';
  // encodeURIComponent leaves ' ( ) * ! unescaped; RFC 5987 attr-char allows only "!" of them.
  const exact = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/** No control or format (bidi) characters in a header value, whatever the caller passes. */
function stripUnsafe(name: string): string {
  return name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '').trim();
}
