import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { seedDemoIdentities } from '../identity/index.ts';

const TENANT = { 'x-tenant': 'alacant' };
let ta: TestApp;
let app: FastifyInstance;
let admin: { cookie: string; csrf: string };

async function signIn(email: string, password: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/staff', headers: TENANT, payload: { email, password } });
  const c = res.cookies.find((x) => x.name === 'vt_session');
  if (!c) throw new Error('no session');
  return { cookie: `vt_session=${c.value}`, csrf: res.json<{ csrfToken: string }>().csrfToken };
}

async function conversationFor(dni: string | null, daysAgo: number): Promise<string> {
  const start = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers: TENANT, payload: { lang: 'es' } });
  const { id } = start.json<{ id: string }>();
  await ta.t.db.query(`UPDATE conversations SET citizen_dni = $2, updated_at = now() - make_interval(days => $3) WHERE id = $1`, [
    id,
    dni,
    daysAgo,
  ]);
  return id;
}

beforeAll(async () => {
  ta = await createTestApp();
  app = ta.app;
  await seedDemoIdentities(ta.t.db);
  admin = await signIn('admin@alacant.example.org', 'demo-admin-alacant');
}, 60_000);
afterAll(async () => {
  await ta.close();
});

describe('data protection', () => {
  it("deletes transcripts older than the council's retention period and keeps newer ones, and audits the run", async () => {
    const old = await conversationFor(null, 400);
    const recent = await conversationFor(null, 10);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/privacy/retention/run',
      headers: { ...TENANT, cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ tenantId: 'alacant', transcriptDays: 365 });
    expect(res.json<{ deletedConversations: number }>().deletedConversations).toBeGreaterThanOrEqual(1);
    const left = await ta.t.db.query<{ id: string }>(`SELECT id FROM conversations WHERE id = ANY($1::uuid[])`, [[old, recent]]);
    expect(left.rows.map((r) => r.id)).toEqual([recent]);
    const turns = await ta.t.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM conversation_turns WHERE conversation_id = $1`,
      [old],
    );
    expect(turns.rows[0]?.n).toBe(0);
    const audit = await ta.t.db.query<{ actor_type: string }>(
      `SELECT actor_type FROM audit_log WHERE tenant_id = 'alacant' AND action = 'privacy.retention_run'`,
    );
    expect(audit.rows).toEqual([{ actor_type: 'staff' }]);
  });

  it("exports one citizen's conversations and callbacks, then erases them, leaving other citizens' data, both audited", async () => {
    const mine = await conversationFor('12345678Z', 1);
    const other = await conversationFor('87654321X', 1);
    await ta.t.db.query(
      `INSERT INTO handoff_callbacks (tenant_id, name, phone, citizen_dni, language) VALUES ('alacant', 'María', '600111222', '12345678Z', 'es')`,
    );
    const exp = await app.inject({
      method: 'POST',
      url: '/api/v1/privacy/export',
      headers: { ...TENANT, cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { dni: '12345678z' },
    });
    expect(exp.statusCode).toBe(200);
    const body = exp.json<{
      dni: string;
      domains: { conversations: { id: string; turns: unknown[] }[]; callbacks: { phone: string }[] };
    }>();
    expect(body.dni).toBe('12345678Z');
    expect(body.domains.conversations.map((c) => c.id)).toEqual([mine]);
    expect(body.domains.conversations[0]?.turns.length).toBeGreaterThan(0);
    expect(body.domains.callbacks).toEqual([expect.objectContaining({ phone: '600111222' })]);
    const erase = await app.inject({
      method: 'POST',
      url: '/api/v1/privacy/erase',
      headers: { ...TENANT, cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { dni: '12345678Z' },
    });
    expect(erase.json()).toMatchObject({ dni: '12345678Z', domains: { conversations: { erased: 1 }, callbacks: { erased: 1 }, filings: { erased: 0, retained: expect.stringContaining('Ley 39/2015') } } });
    const left = await ta.t.db.query<{ id: string }>(`SELECT id FROM conversations WHERE id = ANY($1::uuid[])`, [[mine, other]]);
    expect(left.rows.map((r) => r.id)).toEqual([other]);
    const actions = await ta.t.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE tenant_id = 'alacant' AND subject_id = '12345678Z' AND action LIKE 'privacy.%' ORDER BY id`,
    );
    expect(actions.rows.map((r) => r.action)).toEqual(['privacy.exported', 'privacy.erased']);
  });

  it('refuses an invalid DNI and refuses agents who are not admins', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/privacy/export',
      headers: { ...TENANT, cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { dni: '12345678A' },
    });
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('privacy.invalid_dni');
    const agent = await signIn('agent@alacant.example.org', 'demo-agent-alacant');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/privacy/erase',
      headers: { ...TENANT, cookie: agent.cookie, 'x-csrf-token': agent.csrf },
      payload: { dni: '12345678Z' },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('data protection over the procedure registers', () => {
  it("exports a citizen's appointments, filings, receipts and certificates, and keeps them as public records on erasure", async () => {
    const { seedDemoRegisters } = await import('../../demo/demo-seed.ts');
    await seedDemoRegisters(ta.t.db, ta.t.tenants.map((x) => x.profile));
    // An appointment and a certificate of this citizen, and one of each for someone else that must not appear.
    // A past appointment is personal data too: the export lists every one, not only those still to come.
    await ta.t.db.query(
      `INSERT INTO appointments (id, tenant_id, code, dni, service_id, office_id, starts_at, ends_at, status, language)
       VALUES ('apt-privacy-0', 'alacant', 'CITA-PRIV-0', '23456789D', 'padron', 'centre', '2024-01-10T09:00:00Z', '2024-01-10T09:15:00Z', 'booked', 'es'),
              ('apt-privacy-1', 'alacant', 'CITA-PRIV-1', '23456789D', 'padron', 'centre', '2030-03-05T09:00:00Z', '2030-03-05T09:15:00Z', 'booked', 'es'),
              ('apt-privacy-2', 'alacant', 'CITA-PRIV-2', '87654321X', 'padron', 'centre', '2030-03-05T09:15:00Z', '2030-03-05T09:30:00Z', 'booked', 'es')`,
    );
    await ta.t.db.query(
      `INSERT INTO padron_certificate_requests (id, tenant_id, dni, collective, language, code, created_at)
       VALUES ('cert-privacy-1', 'alacant', '23456789D', false, 'ca', 'CSV-PRIVACY-0001', '2026-11-20T10:00:00Z'),
              ('cert-privacy-2', 'alacant', '87654321X', true, 'es', 'CSV-PRIVACY-0002', '2026-11-21T10:00:00Z')`,
    );
    const exp = await app.inject({
      method: 'POST',
      url: '/api/v1/privacy/export',
      headers: { ...TENANT, cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { dni: '23456789D' },
    });
    expect(exp.statusCode).toBe(200);
    const body = exp.json<{
      domains: {
        appointments: unknown[];
        certificates: unknown[];
        filings: { registryNumber: string }[];
        taxes: { receiptsAndFines: unknown[] };
      };
    }>();
    expect(body.domains.appointments).toHaveLength(2);
    expect(body.domains.appointments[0]).toMatchObject({ id: 'apt-privacy-0', code: 'CITA-PRIV-0', startsAt: '2024-01-10T09:00:00.000Z', localTime: '10:00' });
    expect(body.domains.appointments.slice(1)).toEqual([
      {
        id: 'apt-privacy-1',
        code: 'CITA-PRIV-1',
        serviceId: 'padron',
        serviceName: 'Padrón y certificados',
        kind: 'individual',
        officeId: 'centre',
        officeName: 'Oficina de Atención Ciudadana Centro',
        officeAddress: 'Plaza del Ayuntamiento 1, 03002 Alicante',
        startsAt: '2030-03-05T09:00:00.000Z',
        endsAt: '2030-03-05T09:15:00.000Z',
        localDate: '2030-03-05',
        localTime: '10:00',
        status: 'booked',
        rescheduledFrom: null,
      },
    ]);
    expect(body.domains.certificates).toEqual([{ code: 'CSV-PRIVACY-0001', kind: 'individual', language: 'ca', issuedAt: '2026-11-20T10:00:00.000Z' }]);
    // The demo seed files one filing per demo citizen.
    expect(body.domains.filings).toHaveLength(1);
    expect(body.domains.filings[0]?.registryNumber).toMatch(/^REG-\d{4}-\d{6}$/);
    expect(body.domains.taxes.receiptsAndFines.length).toBeGreaterThan(0);
    const erase = await app.inject({
      method: 'POST',
      url: '/api/v1/privacy/erase',
      headers: { ...TENANT, cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { dni: '23456789D' },
    });
    expect(erase.statusCode).toBe(200);
    const retained = { erased: 0, retained: expect.stringContaining('Ley 39/2015') };
    expect(erase.json()).toMatchObject({ dni: '23456789D', domains: { appointments: retained, certificates: retained, filings: retained, taxes: retained } });
    const left = await ta.t.db.query<{ appointments: number; certificates: number; filings: number }>(
      `SELECT (SELECT count(*)::int FROM appointments WHERE tenant_id = 'alacant' AND dni = '23456789D') AS appointments,
              (SELECT count(*)::int FROM padron_certificate_requests WHERE tenant_id = 'alacant' AND dni = '23456789D') AS certificates,
              (SELECT count(*)::int FROM filings WHERE tenant_id = 'alacant' AND dni = '23456789D') AS filings`,
    );
    expect(left.rows).toEqual([{ appointments: 2, certificates: 1, filings: 1 }]);
  });
});
