import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHttpUrl } from '../../../shared/http-url.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { CSRF_HEADER, seedDemoIdentities, SESSION_COOKIE } from '../identity/index.ts';

let ta: TestApp;
const T = { 'x-tenant': 'alacant' };
const HOSTILE = ['javascript:alert(document.domain)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)'];

async function editor(): Promise<Record<string, string>> {
  const res = await ta.app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: T, payload: { email: 'editor@alacant.example.org', password: 'demo-editor-alacant' } });
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error(res.body);
  const cookie = `${SESSION_COOKIE}=${c.value}`;
  const csrf = (await ta.app.inject({ url: '/api/v1/auth/csrf', headers: { ...T, cookie } })).json<{ token: string }>().token;
  return { ...T, cookie, [CSRF_HEADER]: csrf };
}

beforeAll(async () => {
  ta = await createTestApp();
  await seedDemoIdentities(ta.t.db);
}, 60_000);
afterAll(async () => ta.close());

describe('FAQ links (LOW-5)', () => {
  it('LOW-5: refuses javascript:, data:, vbscript: and mixed-case JaVaScRiPt: FAQ links with 400 on create and on replace, and stores nothing', async () => {
    const headers = await editor();
    const faq = { question: { es: '¿Dónde tiro las pilas usadas?' }, answer: { es: 'En los contenedores de pilas del ecoparque.' } };
    const ok = await ta.app.inject({ method: 'POST', url: '/api/v1/knowledge/faqs', headers, payload: { ...faq, url: 'https://www.alicante.es/es/ecoparques' } });
    expect(ok.statusCode).toBe(201);
    const id = ok.json<{ id: number }>().id;
    for (const url of HOSTILE) {
      const created = await ta.app.inject({ method: 'POST', url: '/api/v1/knowledge/faqs', headers, payload: { ...faq, url } });
      expect(created.statusCode, url).toBe(400);
      expect(created.json<{ error: { code: string } }>().error.code).toBe('common.validation');
      const replaced = await ta.app.inject({ method: 'PUT', url: `/api/v1/knowledge/faqs/${id}`, headers, payload: { ...faq, url } });
      expect(replaced.statusCode, url).toBe(400);
    }
    const rows = await ta.t.db.query<{ url: string | null }>("SELECT url FROM knowledge_faqs WHERE tenant_id = 'alacant'");
    expect(rows.rows.map((r) => r.url)).toEqual(['https://www.alicante.es/es/ecoparques']);
  });

  it('LOW-5: POST /api/v1/ask never returns a non-http source, even for an FAQ link stored before the fix', async () => {
    // Written straight to the table, as an old row would be: the API no longer lets it in.
    await ta.t.db.query(
      `INSERT INTO knowledge_faqs (tenant_id, question, answer, url) VALUES ('alacant', $1::jsonb, $2::jsonb, 'javascript:alert(document.domain)')`,
      [JSON.stringify({ es: '¿Dónde se recoge el aceite usado de cocina?' }), JSON.stringify({ es: 'En los contenedores naranjas de aceite.' })],
    );
    const res = await ta.app.inject({ method: 'POST', url: '/api/v1/ask', headers: T, payload: { question: 'donde se recoge el aceite usado de cocina', lang: 'es' } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ answer: string; faqId?: number; sources: { url: string }[] }>();
    expect(body.answer).toContain('contenedores naranjas');
    expect(body.faqId).toBeTypeOf('number');
    expect(body.sources.length).toBeGreaterThan(0);
    for (const s of body.sources) expect(isHttpUrl(s.url), s.url).toBe(true);
    expect(res.body).not.toMatch(/javascript:/i);
  });
});
