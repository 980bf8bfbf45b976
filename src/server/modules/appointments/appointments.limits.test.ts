/**
 * MEDIUM-8 of the 2026-12-04 security review: one citizen booked 40 of 40 slots of a service, and each booking
 * e-mailed a confirmation to an address of the citizen's choosing. Now: at most `appointments.maxOpenPerService`
 * open appointments per citizen and service (default 2), and at most NEW_ADDRESSES_PER_DAY addresses a day that
 * the council does not hold for the citizen. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { createMailer, type Mailer } from '../../mail/index.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from '../identity/index.ts';
import { TenantRegistry, type LoadedTenant } from '../tenants/index.ts';
import { createAppointmentsService, NEW_ADDRESSES_PER_DAY, type AppointmentsService } from './appointments.service.ts';
import { startSmtpSink, type SmtpSink } from './appointments.test-support.ts';

// Wednesday 25 November 2026, 09:00 in Madrid.
const NOW = new Date('2026-11-25T08:00:00Z');
const ctx = { channel: 'web' as const, lang: 'es' as const };

function withMaxOpen(tenants: readonly LoadedTenant[], maxOpenPerService: number): LoadedTenant[] {
  return tenants.map((t) => ({ ...t, profile: { ...t.profile, appointments: { maxOpenPerService } } }));
}

const recipients = (sink: SmtpSink, from: number) => sink.messages.slice(from).map((m) => (m.to && 'text' in m.to ? m.to.text : ''));

describe('MEDIUM-8: appointment limits in the service', () => {
  let t: TestDb;
  let sink: SmtpSink;
  let mailer: Mailer;
  let svc: AppointmentsService;
  let roomy: AppointmentsService;

  /** The first `n` free slot instants of a service at an office, from the pinned clock on. */
  async function freeSlots(service: AppointmentsService, serviceId: string, officeId: string, n: number): Promise<string[]> {
    const days = await service.availability('alacant', { serviceId, officeId, days: 30 });
    const out = days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.startsAt)).slice(0, n);
    if (out.length < n) throw new Error(`only ${out.length} free slots of ${serviceId}`);
    return out;
  }

  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile), undefined, NOW);
    sink = await startSmtpSink();
    mailer = createMailer({ smtpUrl: sink.url, from: 'Ventanilla <no-reply@example.org>', outboxDir: '/nonexistent' });
    svc = createAppointmentsService({ db: t.db, tenants: new TenantRegistry(t.tenants), mailer, now: () => NOW });
    // The same database with the cap lifted, to see the e-mail rule on its own.
    roomy = createAppointmentsService({ db: t.db, tenants: new TenantRegistry(withMaxOpen(t.tenants, 50)), mailer, now: () => NOW });
  }, 60_000);
  afterAll(async () => {
    mailer.close();
    await sink.close();
    await t.close();
  });

  it('MEDIUM-8: the demo councils get the default limit of 2 open appointments per service', () => {
    expect(t.tenants.map((x) => x.profile.appointments.maxOpenPerService)).toEqual(t.tenants.map(() => 2));
  });

  it('MEDIUM-8: refuses the third open appointment of one service with 409 too_many_open, while another service is still bookable', async () => {
    const dni = 'T1000001X';
    const [a, b, c] = await freeSlots(svc, 'tributos', 'centre', 3);
    for (const startsAt of [a, b]) await svc.book('alacant', dni, { serviceId: 'tributos', officeId: 'centre', startsAt: startsAt ?? '' }, ctx);
    const third = await svc.book('alacant', dni, { serviceId: 'tributos', officeId: 'centre', startsAt: c ?? '' }, ctx).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(AppError);
    expect(third).toMatchObject({ code: 'appointments.too_many_open', status: 409, params: { limit: 2 } });
    expect((third as AppError).userMessage('es')).toBe('Ya tiene 2 citas pendientes de este servicio, el máximo. Para pedir otra, anule o cambie una de ellas.');
    expect((third as AppError).userMessage('ca')).toContain('2 cites pendents');
    const [other] = await freeSlots(svc, 'padron', 'centre', 1);
    expect((await svc.book('alacant', dni, { serviceId: 'padron', officeId: 'centre', startsAt: other ?? '' }, ctx)).status).toBe('booked');
    const rows = await t.db.query<{ service_id: string; n: number }>(
      `SELECT service_id, count(*)::int AS n FROM appointments WHERE tenant_id = 'alacant' AND dni = $1 AND status = 'booked' GROUP BY service_id ORDER BY service_id`,
      [dni],
    );
    expect(rows.rows).toEqual([{ service_id: 'padron', n: 1 }, { service_id: 'tributos', n: 2 }]);
    // The refused booking took no place: the third slot is still free.
    const slot = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM appointment_slots WHERE tenant_id = 'alacant' AND starts_at = $1 AND booked > 0`, [c]);
    expect(slot.rows[0]?.n).toBe(0);
  });

  it('MEDIUM-8: a citizen at the limit can still move an appointment, and cancelling one lets them book again', async () => {
    const dni = 'T1000002X';
    const [a, b, c, d] = await freeSlots(svc, 'certificado-digital', 'smart-centre-carolinas', 4);
    const first = await svc.book('alacant', dni, { serviceId: 'certificado-digital', officeId: 'smart-centre-carolinas', startsAt: a ?? '' }, ctx);
    await svc.book('alacant', dni, { serviceId: 'certificado-digital', officeId: 'smart-centre-carolinas', startsAt: b ?? '' }, ctx);
    const moved = await svc.reschedule('alacant', dni, first.id, { startsAt: c ?? '' }, ctx);
    expect(moved).toMatchObject({ status: 'booked', rescheduledFrom: first.id, startsAt: c });
    await expect(svc.book('alacant', dni, { serviceId: 'certificado-digital', officeId: 'smart-centre-carolinas', startsAt: d ?? '' }, ctx)).rejects.toMatchObject({ code: 'appointments.too_many_open' });
    await svc.cancel('alacant', dni, moved.id, ctx);
    expect((await svc.book('alacant', dni, { serviceId: 'certificado-digital', officeId: 'smart-centre-carolinas', startsAt: d ?? '' }, ctx)).status).toBe('booked');
  });

  it('MEDIUM-8: 20 parallel bookings of one citizen in one service give exactly the limit, however they interleave', async () => {
    const dni = 'T1000003X';
    const slots = await freeSlots(svc, 'padron', 'benalua', 20);
    const results = await Promise.allSettled(slots.map((startsAt) => svc.book('alacant', dni, { serviceId: 'padron', officeId: 'benalua', startsAt }, ctx)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as AppError).code] : []));
    expect(codes).toEqual(Array.from({ length: 18 }, () => 'appointments.too_many_open'));
    const stored = await t.db.query<{ n: number; places: number }>(
      `SELECT (SELECT count(*)::int FROM appointments WHERE tenant_id = 'alacant' AND dni = $1 AND service_id = 'padron') AS n,
              (SELECT COALESCE(sum(booked), 0)::int FROM appointment_slots WHERE tenant_id = 'alacant' AND service_id = 'padron' AND office_id = 'benalua') AS places`,
      [dni],
    );
    expect(stored.rows[0]).toEqual({ n: 2, places: 2 });
  }, 60_000);

  it('MEDIUM-8: 40 bookings with 40 strangers\' addresses e-mail only 3 of them; the rest go to the address the council holds', async () => {
    // María (12345678Z) has maria.garcia@example.org on record (citizen_contacts).
    const slots = await freeSlots(roomy, 'tributos', 'centre', 40);
    const before = sink.messages.length;
    const booked = await Promise.all(
      slots.map((startsAt, i) => roomy.book('alacant', '12345678Z', { serviceId: 'tributos', officeId: 'centre', startsAt, email: `victim-${i}@example.org` }, ctx)),
    );
    expect(booked).toHaveLength(40);
    const to = recipients(sink, before);
    expect(to).toHaveLength(40);
    const strangers = to.filter((x) => x.startsWith('victim-'));
    expect(new Set(strangers).size).toBe(NEW_ADDRESSES_PER_DAY);
    expect(strangers).toHaveLength(NEW_ADDRESSES_PER_DAY);
    expect(to.filter((x) => x === 'maria.garcia@example.org')).toHaveLength(40 - NEW_ADDRESSES_PER_DAY);
    // Stored the same way, so the reminder job follows the same rule.
    const stored = await t.db.query<{ email: string; n: number }>(
      `SELECT email, count(*)::int AS n FROM appointments WHERE tenant_id = 'alacant' AND dni = '12345678Z' AND service_id = 'tributos' GROUP BY email ORDER BY email`,
    );
    expect(stored.rows.find((r) => r.email === 'maria.garcia@example.org')?.n).toBe(40 - NEW_ADDRESSES_PER_DAY);
    expect(stored.rows.filter((r) => r.email.startsWith('victim-')).map((r) => r.n)).toEqual([1, 1, 1]);
  }, 120_000);

  it('MEDIUM-8: without an address on record, bookings past the third new address send no mail at all, and an address already used still works', async () => {
    const dni = 'T1000004X';
    const slots = await freeSlots(roomy, 'padron', 'centre', 6);
    const before = sink.messages.length;
    const emails = ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org', 'e@example.org', 'B@example.org'];
    for (const [i, startsAt] of slots.entries()) await roomy.book('alacant', dni, { serviceId: 'padron', officeId: 'centre', startsAt, email: emails[i] }, ctx);
    expect(recipients(sink, before)).toEqual(['a@example.org', 'b@example.org', 'c@example.org', 'B@example.org']);
  });
});

describe('MEDIUM-8: appointment limits over HTTP', () => {
  let ta: TestApp;
  const session = async (card: string, pin: string) => {
    const res = await ta.app.inject({ method: 'POST', url: '/api/v1/auth/card', headers: { 'x-tenant': 'alacant' }, payload: { card, pin } });
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    return { 'x-tenant': 'alacant', cookie: `${SESSION_COOKIE}=${cookie?.value ?? ''}`, [CSRF_HEADER]: res.json<{ csrfToken: string }>().csrfToken };
  };
  const slotsOf = async (serviceId: string, officeId: string): Promise<string[]> => {
    const res = await ta.app.inject({ method: 'GET', url: `/api/v1/appointments/availability?serviceId=${serviceId}&officeId=${officeId}&days=21`, headers: { 'x-tenant': 'alacant' } });
    return res.json<{ days: { slots: { startsAt: string; free: number }[] }[] }>().days.flatMap((d) => d.slots.filter((s) => s.free > 0).map((s) => s.startsAt));
  };
  /** The To: of every .eml the app wrote to DATA_DIR/outbox (no SMTP_URL in tests). */
  const outboxRecipients = (): string[] => {
    const dir = path.join(ta.dataDir, 'outbox');
    if (!existsSync(dir)) return [];
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    return files.map((f) => /^To: (.+)$/m.exec(readFileSync(path.join(dir, f), 'utf8'))?.[1]?.trim() ?? '');
  };

  beforeAll(async () => {
    ta = await createTestApp();
    await seedDemoIdentities(ta.t.db);
    await seedDemoRegisters(ta.t.db, ta.t.tenants.map((x) => x.profile));
  }, 120_000);
  afterAll(async () => ta.close());

  it('MEDIUM-8: the third booking of a service answers 409 with the limit in the translated message; another service answers 201', async () => {
    const maria = await session('4000000000000001', '1234');
    const [a, b, c] = await slotsOf('tributos', 'centre');
    const post = (startsAt: string | undefined, lang: string, serviceId = 'tributos', officeId = 'centre') =>
      ta.app.inject({ method: 'POST', url: `/api/v1/appointments?lang=${lang}`, headers: maria, payload: { serviceId, officeId, startsAt } });
    expect((await post(a, 'es')).statusCode).toBe(201);
    expect((await post(b, 'es')).statusCode).toBe(201);
    const refused = await post(c, 'en');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual({
      error: { code: 'appointments.too_many_open', message: 'You already have 2 upcoming appointments for this service, the most allowed. To book another, cancel or move one of them.' },
    });
    const refusedCa = await post(c, 'ca');
    expect(refusedCa.json<{ error: { message: string } }>().error.message).toBe("Ja té 2 cites pendents d'este servici, el màxim. Per a demanar-ne una altra, anul·le o canvie alguna d'elles.");
    const [p] = await slotsOf('padron', 'benalua');
    expect((await post(p, 'es', 'padron', 'benalua')).statusCode).toBe(201);
  });

  it("MEDIUM-8: the review's probe, 40 bookings with 40 strangers' addresses, books 2 per service and writes mail to 3 strangers at most", async () => {
    const amina = await session('4000000000000003', '3456');
    const services: [string, string][] = [
      ['tributos', 'centre'],
      ['padron', 'centre'],
      ['certificado-digital', 'smart-centre-carolinas'],
      ['curso-competencias-digitales', 'smart-centre-carolinas'],
    ];
    const statuses: number[] = [];
    let n = 0;
    for (const [serviceId, officeId] of services) {
      const slots = await slotsOf(serviceId, officeId);
      for (let i = 0; i < 10; i++) {
        const res = await ta.app.inject({
          method: 'POST',
          url: '/api/v1/appointments',
          headers: amina,
          payload: { serviceId, officeId, startsAt: slots[i % slots.length], email: `victim-${n++}@example.org` },
        });
        statuses.push(res.statusCode);
      }
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(8);
    expect(statuses.filter((s) => s === 409)).toHaveLength(32);
    // Every mail the app wrote in this file: María's went to her own address, and no stranger got more than one.
    const all = outboxRecipients();
    expect(all.filter((x) => x.startsWith('victim-')).sort()).toEqual(['victim-0@example.org', 'victim-10@example.org', 'victim-1@example.org']);
    expect(all.filter((x) => x === 'amina.elidrissi@example.org')).toHaveLength(8 - NEW_ADDRESSES_PER_DAY);
  });
});
