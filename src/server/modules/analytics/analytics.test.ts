import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { seedDemoIdentities, SESSION_COOKIE } from '../identity/index.ts';

let ta: TestApp;
let analyst: string;
const T = { 'x-tenant': 'alacant' };

async function signIn(email: string, password: string, tenant = 'alacant'): Promise<string> {
  const res = await ta.app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: { 'x-tenant': tenant }, payload: { email, password } });
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error(`sign-in failed: ${res.body}`);
  return `${SESSION_COOKIE}=${c.value}`;
}

beforeAll(async () => {
  ta = await createTestApp();
  await seedDemoIdentities(ta.t.db);
  // Known data. 2026-03-09T23:30Z is already 10 March in Madrid (UTC+1): it must count on the 10th.
  const rows: [string, string, string, string | null, string | null, number | null, Record<string, unknown>][] = [
    ['alacant', '2026-03-09T10:00:00Z', 'certificate.issued', 'es', 'alacant-mercat', null, {}],
    ['alacant', '2026-03-09T23:30:00Z', 'certificate.issued', 'ca', 'alacant-mercat', null, {}],
    ['alacant', '2026-03-10T09:00:00Z', 'payment.paid', 'es', 'alacant-benalua', 4250, {}],
    ['alacant', '2026-03-10T09:05:00Z', 'payment.paid', 'es', null, 1000, {}],
    ['alacant', '2026-03-10T11:00:00Z', 'appointment.booked', 'en', null, null, {}],
    ['alacant', '2026-03-09T12:00:00Z', 'assistant.query', 'es', null, null, { resolved: true }],
    ['alacant', '2026-03-09T12:01:00Z', 'assistant.query', 'ca', 'alacant-mercat', null, { resolved: false, question: '¿Dónde se tira el aceite usado?' }],
    ['alacant', '2026-03-10T12:02:00Z', 'assistant.query', 'es', null, null, { resolved: false, question: '¿dónde se tira el aceite usado?' }],
    ['alacant', '2026-03-10T12:03:00Z', 'assistant.query', 'en', null, null, { resolved: true }],
    ['alacant', '2026-03-10T12:04:00Z', 'assistant.handoff', 'es', null, null, {}],
    // Another council and another month must not leak into the figures.
    ['medina-rioseco', '2026-03-10T10:00:00Z', 'certificate.issued', 'es', null, null, {}],
    ['alacant', '2026-04-01T10:00:00Z', 'certificate.issued', 'es', null, null, {}],
  ];
  for (const [tenant, at, type, lang, kiosk, cents, data] of rows) {
    await ta.t.db.query('INSERT INTO events (tenant_id, at, type, language, kiosk_id, amount_cents, data) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)', [tenant, at, type, lang, kiosk, cents, JSON.stringify(data)]);
  }
  analyst = await signIn('analyst@alacant.example.org', 'demo-analyst-alacant');
}, 60_000);
afterAll(async () => {
  await ta.close();
});

describe('analytics', () => {
  it('counts procedures and queries per local day, by type and language, for this council only', async () => {
    const res = await ta.app.inject({ url: '/api/v1/analytics?from=2026-03-09&to=2026-03-10', headers: { ...T, cookie: analyst } });
    expect(res.statusCode).toBe(200);
    const r = res.json<{
      totals: Record<string, number | null>;
      proceduresPerDay: { day: string; byType: Record<string, number> }[];
      queriesPerDay: { day: string; byLanguage: Record<string, number> }[];
      topUnanswered: { question: string; count: number }[];
      kiosks: { kioskId: string; total: number }[];
      handoffsPerDay: { day: string; count: number }[];
    }>();
    expect(r.proceduresPerDay).toEqual([
      { day: '2026-03-09', byType: { 'certificate.issued': 1, 'appointment.booked': 0, 'payment.paid': 0, 'filing.created': 0 } },
      { day: '2026-03-10', byType: { 'certificate.issued': 1, 'appointment.booked': 1, 'payment.paid': 2, 'filing.created': 0 } },
    ]);
    expect(r.queriesPerDay).toEqual([
      { day: '2026-03-09', byLanguage: { ca: 1, en: 0, es: 1 } },
      { day: '2026-03-10', byLanguage: { ca: 0, en: 1, es: 1 } },
    ]);
    expect(r.totals).toEqual({ procedures: 5, certificates: 2, payments: 2, paidCents: 5250, queries: 4, resolvedQueries: 2, resolutionRate: 0.5, handoffs: 1 });
    expect(r.topUnanswered).toEqual([{ question: '¿dónde se tira el aceite usado?', count: 2 }]);
    expect(r.kiosks).toEqual([
      { kioskId: 'alacant-benalua', total: 1, byType: { 'payment.paid': 1 } },
      { kioskId: 'alacant-mercat', total: 3, byType: { 'assistant.query': 1, 'certificate.issued': 2 } },
    ]);
    expect(r.handoffsPerDay).toEqual([{ day: '2026-03-09', count: 0 }, { day: '2026-03-10', count: 1 }]);
  });

  it('exports a table as CSV and records the export in the audit log', async () => {
    const res = await ta.app.inject({ url: '/api/v1/analytics/export.csv?from=2026-03-09&to=2026-03-10&table=procedures', headers: { ...T, cookie: analyst } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body).toBe('day,certificate.issued,appointment.booked,payment.paid,filing.created\r\n2026-03-09,1,0,0,0\r\n2026-03-10,1,1,2,0\r\n');
    const audit = await ta.t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'analytics.exported' AND tenant_id = 'alacant'");
    expect(audit.rows[0]?.n).toBe(1);
  });

  it('exports questions so that no cell runs as a spreadsheet formula, quoting commas and quotes (RFC 4180)', async () => {
    // Citizens type the questions: a leading = + - @ would be a formula in Excel or LibreOffice (CSV injection).
    const questions = ['=HYPERLINK("http://evil.example","clic")', '+34 600 000 000', '-5 euros de multa', '@SUM(A1:A9)', 'hola, "vecino"'];
    for (const question of questions) {
      await ta.t.db.query("INSERT INTO events (tenant_id, at, type, language, data) VALUES ('alacant', '2026-05-04T10:00:00Z', 'assistant.query', 'es', $1::jsonb)", [
        JSON.stringify({ resolved: false, question }),
      ]);
    }
    const res = await ta.app.inject({ url: '/api/v1/analytics/export.csv?from=2026-05-04&to=2026-05-04&table=unanswered', headers: { ...T, cookie: analyst } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="alacant-unanswered-2026-05-04-2026-05-04.csv"');
    const [header, ...rows] = res.body.split('\r\n');
    expect(header).toBe('question,count');
    // Questions are grouped lower-cased; the order among equal counts is the database's collation, so compare as a set.
    expect(rows.sort()).toEqual(
      [
        '"\'=hyperlink(""http://evil.example"",""clic"")",1',
        "'+34 600 000 000,1",
        "'-5 euros de multa,1",
        "'@sum(a1:a9),1",
        '"hola, ""vecino""",1',
        '',
      ].sort(),
    );
  });

  it('is for analysts and admins only, and rejects a reversed range with a translated error', async () => {
    const agent = await signIn('agent@alacant.example.org', 'demo-agent-alacant');
    expect((await ta.app.inject({ url: '/api/v1/analytics', headers: { ...T, cookie: agent } })).statusCode).toBe(403);
    expect((await ta.app.inject({ url: '/api/v1/analytics', headers: T })).statusCode).toBe(401);
    const bad = await ta.app.inject({ url: '/api/v1/analytics?from=2026-03-10&to=2026-03-01&lang=ca', headers: { ...T, cookie: analyst } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string; message: string } }>().error).toEqual({ code: 'analytics.invalid_range', message: "Les dates no són vàlides: la data d'inici ha de ser anterior o igual a la de fi." });
  });
});
