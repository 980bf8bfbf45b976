import { describe, expect, it } from 'vitest';
import { isHttpUrl, zHttpUrl } from './http-url.ts';

describe('zHttpUrl (LOW-5)', () => {
  it('LOW-5: accepts http and https addresses, whatever the case of the scheme, and localhost', () => {
    for (const v of ['https://www.alicante.es/es/tramites', 'HTTP://ayto.example/x?y=1#z', 'http://localhost:3000/a']) {
      expect(zHttpUrl().safeParse(v).success, v).toBe(true);
      expect(isHttpUrl(v), v).toBe(true);
    }
  });

  it('LOW-5: refuses javascript:, data:, vbscript:, mixed case, hidden whitespace, other schemes and host-less forms', () => {
    for (const v of [
      'javascript:alert(document.cookie)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', '\tjava\nscript:alert(1)',
      'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'ftp://files.example/a', 'file:///etc/passwd',
      'http:evil.example', 'https:/x', 'https://', '//evil.example/x', '/relative/path', `https://a.example/${'x'.repeat(2100)}`,
    ]) {
      expect(zHttpUrl().safeParse(v).success, v).toBe(false);
      expect(isHttpUrl(v), v).toBe(false);
    }
  });
});
