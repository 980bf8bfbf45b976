import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { CSRF_HEADER, seedDemoIdentities, SESSION_COOKIE } from '../identity/index.ts';

let ta: TestApp;
const T = { 'x-tenant': 'alacant' };

async function staff(email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await ta.app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: T, payload: { email, password } });
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error(res.body);
  const cookie = `${SESSION_COOKIE}=${c.value}`;
  const csrf = (await ta.app.inject({ url: '/api/v1/auth/csrf', headers: { ...T, cookie } })).json<{ token: string }>().token;
  return { cookie, csrf };
}

beforeAll(async () => {
  ta = await createTestApp();
  await seedDemoIdentities(ta.t.db);
}, 60_000);
afterAll(async () => {
  await ta.close();
});

describe('knowledge routes', () => {
  it('lets an editor write FAQ entries, records them in the audit log, and keeps citizens and analysts out', async () => {
    const faq = { question: { es: '¿Dónde tiro el aceite usado?' }, answer: { es: 'En los contenedores naranjas de aceite.' } };
    expect((await ta.app.inject({ method: 'POST', url: '/api/v1/knowledge/faqs', headers: T, payload: faq })).statusCode).toBe(401);
    const analyst = await staff('analyst@alacant.example.org', 'demo-analyst-alacant');
    const denied = await ta.app.inject({ method: 'POST', url: '/api/v1/knowledge/faqs', headers: { ...T, cookie: analyst.cookie, [CSRF_HEADER]: analyst.csrf }, payload: faq });
    expect(denied.statusCode).toBe(403);
    const editor = await staff('editor@alacant.example.org', 'demo-editor-alacant');
    const created = await ta.app.inject({ method: 'POST', url: '/api/v1/knowledge/faqs', headers: { ...T, cookie: editor.cookie, [CSRF_HEADER]: editor.csrf }, payload: faq });
    expect(created.statusCode).toBe(201);
    const answer = await ta.app.inject({ method: 'POST', url: '/api/v1/ask', headers: T, payload: { question: 'donde tiro el aceite usado', lang: 'es' } });
    expect(answer.json<{ answer: string }>().answer).toContain('contenedores naranjas');
    const audit = await ta.t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE tenant_id = 'alacant' AND action LIKE 'knowledge.%'");
    expect(audit.rows.map((r) => r.action)).toEqual(['knowledge.faq_created']);
  });

  it("lists the council's websites with their crawl state for staff", async () => {
    const analyst = await staff('analyst@alacant.example.org', 'demo-analyst-alacant');
    const res = await ta.app.inject({ url: '/api/v1/knowledge/sites', headers: { ...T, cookie: analyst.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sites: [{ id: '0', url: 'http://127.0.0.1:8099/', recrawlHours: 0, status: null, lastRunAt: null, lastCrawlId: null, errors: 0 }] });
    expect((await ta.app.inject({ url: '/api/v1/knowledge/crawls', headers: T })).statusCode).toBe(401);
  });
});
