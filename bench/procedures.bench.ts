/**
 * Procedures end to end. Prints figures, never asserts timings (it does count double bookings and double payments).
 *  1. Padrón certificate: signed-in citizen -> POST /api/v1/certificates/padron -> GET the signed PDF, via app.inject.
 *  2. Bookings under contention: rounds of 200 parallel bookings for 10 places; bookings/s and requests/s.
 *  3. Payments: two authorised attempts per receipt plus replayed notifications, concurrently; paid twice must be 0.
 * Run: npm run bench:procedures [-- iterations]   (DATABASE_URL=postgres://... to run on PostgreSQL)
 */
import { CertificatesRepository } from '../src/server/modules/certificates/certificates.repository.ts';
import { CertificatesService } from '../src/server/modules/certificates/certificates.service.ts';
import { createSealProvider } from '../src/server/modules/certificates/seal-provider.ts';
import { createAppointmentsService } from '../src/server/modules/appointments/appointments.service.ts';
import { withTenPlaceWorkshop } from '../src/server/modules/appointments/appointments.test-support.ts';
import { localToUtc } from '../src/server/modules/appointments/appointments.time.ts';
import { seedDemoRegisters } from '../src/server/demo/demo-seed.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from '../src/server/modules/identity/index.ts';
import { SandboxGateway } from '../src/server/modules/payments/gateway/index.ts';
import { createPaymentsService } from '../src/server/modules/payments/payments.service.ts';
import { TenantRegistry } from '../src/server/modules/tenants/index.ts';
import { createTestApp } from '../src/server/testing/test-app.ts';

const iterations = Number(process.argv[2] ?? 100);
const NOW = new Date('2026-11-25T08:00:00Z');

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0).toFixed(1);
  return `p50 ${q(0.5)} ms  p95 ${q(0.95)} ms  max ${q(1)} ms  (n=${s.length})`;
}

async function main(): Promise<void> {
  const ta = await createTestApp();
  try {
    const db = ta.t.db;
    await seedDemoIdentities(db);
    await seedDemoRegisters(db, ta.t.tenants.map((t) => t.profile), undefined, NOW);
    console.log(`database: ${db.kind}`);

    // 1. Certificate end to end.
    const login = await ta.app.inject({ method: 'POST', url: '/api/v1/auth/card', headers: { 'x-tenant': 'alacant' }, payload: { card: '4000000000000001', pin: '1234' } });
    const cookie = login.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? '';
    const headers = { 'x-tenant': 'alacant', cookie: `${SESSION_COOKIE}=${cookie}`, [CSRF_HEADER]: login.json<{ csrfToken: string }>().csrfToken };
    for (const kind of ['individual', 'collective'] as const) {
      const once = async () => {
        const res = await ta.app.inject({ method: 'POST', url: '/api/v1/certificates/padron', headers, payload: { kind } });
        if (res.statusCode !== 201) throw new Error(`certificate: ${res.statusCode} ${res.body}`);
        const pdf = await ta.app.inject({ method: 'GET', url: res.json<{ url: string }>().url, headers });
        if (pdf.statusCode !== 200 || pdf.rawPayload.subarray(0, 5).toString() !== '%PDF-') throw new Error('no PDF');
      };
      for (let i = 0; i < 20; i++) await once();
      const times: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const s = performance.now();
        await once();
        times.push(performance.now() - s);
      }
      const p95 = [...times].sort((a, b) => a - b)[Math.floor(0.95 * times.length)] ?? 0;
      console.log(`certificate ${kind} end to end (POST + signed PDF): ${stats(times)}  target p95 < 300 ms: ${p95 < 300 ? 'met' : 'NOT met'}`);
    }

    // 2. Bookings under contention.
    const tenants = new TenantRegistry(withTenPlaceWorkshop(ta.t.tenants));
    const appointments = createAppointmentsService({ db, tenants, now: () => NOW });
    const wednesdays = ['2026-12-02', '2026-12-09', '2026-12-16', '2026-12-23', '2026-12-30'];
    let ok = 0;
    let full = 0;
    let other = 0;
    const started = performance.now();
    for (const [round, date] of wednesdays.entries()) {
      const startsAt = localToUtc(date, '10:00', 'Europe/Madrid').toISOString();
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          appointments.book('alacant', `B${round}${String(i).padStart(6, '0')}Z`, { serviceId: 'taller-diez', officeId: 'smart-centre-carolinas', startsAt }, { channel: 'web', lang: 'es' }),
        ),
      );
      for (const r of results) {
        if (r.status === 'fulfilled') ok++;
        else if ((r.reason as { code?: string }).code === 'appointments.slot_full') full++;
        else other++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const over = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM appointment_slots s WHERE s.booked > s.capacity OR s.booked <> (
      SELECT count(*) FROM appointments a WHERE a.tenant_id = s.tenant_id AND a.service_id = s.service_id AND a.office_id = s.office_id AND a.starts_at = s.starts_at AND a.status = 'booked')`);
    console.log(
      `bookings under contention: ${wednesdays.length} rounds x 200 requests for 10 places -> ${ok} booked, ${full} slot_full, ${other} other errors; ` +
        `${(1000 / seconds).toFixed(0)} requests/s, ${(ok / seconds).toFixed(1)} bookings/s; double bookings / counter drift: ${over.rows[0]?.n ?? '?'}`,
    );

    // 3. Payments: never twice.
    const delivered: Record<string, string>[] = [];
    const sandbox = new SandboxGateway({ secret: 'b'.repeat(40), publicUrl: 'http://127.0.0.1:3000', deliver: async (_u, f) => void delivered.push(f), now: () => NOW.getTime() });
    const registry = new TenantRegistry(ta.t.tenants);
    const receipts = new CertificatesService({ repository: new CertificatesRepository(db), tenants: registry, seals: createSealProvider(ta.dataDir), publicUrl: 'http://127.0.0.1:3000', dataDir: ta.dataDir });
    const payments = createPaymentsService({ db, tenants: registry, gateways: { sandbox }, defaultGateway: 'sandbox', publicUrl: 'http://127.0.0.1:3000', receipts, now: () => NOW });
    const debts: string[] = [];
    for (let i = 0; i < 20; i++) {
      debts.push(await payments.addDebt('alacant', { dni: '12345678Z', kind: 'receipt', taxCode: 'IBI', reference: `BENCH-${i}`, concept: 'bench', fiscalYear: 2026, amountCents: 1000 + i, voluntaryStart: '2026-11-01', voluntaryEnd: '2026-12-31' }));
    }
    const notifications: Record<string, string>[] = [];
    for (const debtId of debts) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const s = await payments.startPayment('alacant', '12345678Z', { debtId }, { channel: 'web', lang: 'es' });
        await sandbox.decide(s.redirectForm.fields.p ?? '', s.orderId, true);
        const n = delivered.at(-1);
        if (n) notifications.push(n, n, n);
      }
    }
    const t0 = performance.now();
    const outcomes = await Promise.all(notifications.map((n) => payments.handleNotification('alacant', 'sandbox', n)));
    const ms = performance.now() - t0;
    const twice = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT debt_id FROM payments WHERE status = 'paid' GROUP BY debt_id HAVING count(*) > 1) x`);
    const count = (o: string) => outcomes.filter((x) => x.outcome === o).length;
    console.log(
      `payments: ${notifications.length} notifications (2 authorised attempts x 3 deliveries per receipt, 20 receipts) in ${ms.toFixed(0)} ms -> ` +
        `paid ${count('paid')}, duplicate ${count('duplicate')}, already_paid ${count('already_paid')}; receipts paid twice: ${twice.rows[0]?.n ?? '?'}`,
    );
  } finally {
    await ta.close();
  }
}

await main();
