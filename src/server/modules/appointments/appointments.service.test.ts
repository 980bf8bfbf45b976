import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { createMailer, type Mailer } from '../../mail/index.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { TenantRegistry } from '../tenants/index.ts';
import { createAppointmentsService, type AppointmentsService } from './appointments.service.ts';
import { startSmtpSink, withTenPlaceWorkshop, type SmtpSink } from './appointments.test-support.ts';
import { localToUtc } from './appointments.time.ts';

// Wednesday 25 November 2026, 09:00 in Madrid (UTC+1).
const NOW = new Date('2026-11-25T08:00:00Z');
const ctx = { channel: 'web' as const, lang: 'es' as const };
const dniFor = (i: number) => `T${String(i).padStart(7, '0')}X`;

describe('appointments service', () => {
  let t: TestDb;
  let sink: SmtpSink;
  let mailer: Mailer;
  let svc: AppointmentsService;
  let clock = NOW;

  beforeAll(async () => {
    t = await createTestDb();
    await seedDemoRegisters(t.db, t.tenants.map((x) => x.profile), undefined, NOW);
    sink = await startSmtpSink();
    mailer = createMailer({ smtpUrl: sink.url, from: 'Ventanilla <no-reply@example.org>', outboxDir: '/nonexistent' });
    svc = createAppointmentsService({ db: t.db, tenants: new TenantRegistry(withTenPlaceWorkshop(t.tenants)), mailer, now: () => clock });
  }, 60_000);
  afterAll(async () => {
    mailer.close();
    await sink.close();
    await t.close();
  });

  it('lists slots in Madrid local time, skipping holidays and closed days', async () => {
    const days = await svc.availability('alacant', { serviceId: 'padron', officeId: 'centre', from: '2026-12-07', days: 3 });
    // 7 Dec is a Monday, 8 Dec a council holiday, 9 Dec a Wednesday.
    expect(days.map((d) => d.date)).toEqual(['2026-12-07', '2026-12-09']);
    const first = days[0]?.slots[0];
    expect(first).toMatchObject({ time: '08:30', startsAt: '2026-12-07T07:30:00.000Z', capacity: 2, free: 2 });
    // 08:30-14:00 in 15-minute slots.
    expect(days[0]?.slots).toHaveLength(22);
  });

  it('keeps summer slots at the same local time across the DST change', () => {
    expect(localToUtc('2027-06-01', '09:00', 'Europe/Madrid').toISOString()).toBe('2027-06-01T07:00:00.000Z');
    expect(localToUtc('2027-01-12', '09:00', 'Europe/Madrid').toISOString()).toBe('2027-01-12T08:00:00.000Z');
  });

  it('gives exactly 10 bookings and 190 slot_full errors for 200 parallel requests on 10 places', async () => {
    const startsAt = localToUtc('2026-12-02', '10:00', 'Europe/Madrid').toISOString();
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => svc.book('alacant', dniFor(i), { serviceId: 'taller-diez', officeId: 'smart-centre-carolinas', startsAt }, ctx)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as AppError).code] : []));
    expect(ok).toHaveLength(10);
    expect(codes).toHaveLength(190);
    expect(new Set(codes)).toEqual(new Set(['appointments.slot_full']));
    const count = await t.db.query<{ n: number; booked: number }>(
      `SELECT (SELECT count(*)::int FROM appointments WHERE tenant_id = 'alacant' AND service_id = 'taller-diez' AND status = 'booked') AS n,
              (SELECT booked FROM appointment_slots WHERE tenant_id = 'alacant' AND service_id = 'taller-diez') AS booked`,
    );
    expect(count.rows[0]).toEqual({ n: 10, booked: 10 });
    const audit = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'appointment.booked' AND tenant_id = 'alacant'`);
    expect(audit.rows[0]?.n).toBeGreaterThanOrEqual(10);
    const days = await svc.availability('alacant', { serviceId: 'taller-diez', from: '2026-12-02', days: 1 });
    expect(days[0]?.slots[0]?.free).toBe(0);
  }, 60_000);

  it('refuses a second place for the same citizen in the same slot', async () => {
    const startsAt = localToUtc('2026-12-03', '10:00', 'Europe/Madrid').toISOString();
    const input = { serviceId: 'curso-competencias-digitales', officeId: 'smart-centre-carolinas', startsAt };
    await svc.book('alacant', '34567890V', input, ctx);
    await expect(svc.book('alacant', '34567890V', input, ctx)).rejects.toMatchObject({ code: 'appointments.already_booked', status: 409 });
    const slot = await t.db.query<{ booked: number }>(`SELECT booked FROM appointment_slots WHERE service_id = 'curso-competencias-digitales'`);
    expect(slot.rows[0]?.booked).toBe(1);
  });

  it('refuses a slot outside opening hours, in the past or beyond the booking window', async () => {
    const book = (startsAt: string) => svc.book('alacant', '12345678Z', { serviceId: 'padron', officeId: 'centre', startsAt }, ctx);
    await expect(book(localToUtc('2026-11-26', '15:00', 'Europe/Madrid').toISOString())).rejects.toMatchObject({ code: 'appointments.invalid_slot' });
    await expect(book(localToUtc('2026-11-24', '09:00', 'Europe/Madrid').toISOString())).rejects.toMatchObject({ code: 'appointments.slot_past' });
    await expect(book(localToUtc('2027-03-01', '09:00', 'Europe/Madrid').toISOString())).rejects.toMatchObject({ code: 'appointments.outside_window' });
  });

  it('books a digital-certificate registration point and e-mails a confirmation with an .ics calendar', async () => {
    const before = sink.messages.length;
    const startsAt = localToUtc('2026-11-30', '09:20', 'Europe/Madrid').toISOString();
    const a = await svc.book('alacant', '23456789D', { serviceId: 'certificado-digital', officeId: 'smart-centre-carolinas', startsAt }, { channel: 'kiosk', kioskId: 'alacant-mercat', lang: 'ca' });
    expect(a).toMatchObject({ localDate: '2026-11-30', localTime: '09:20', officeName: 'Smart Centre Carolines', status: 'booked' });
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toContain('josep.marti@example.org');
    expect(mail?.subject).toContain('Cita confirmada');
    expect(mail?.text).toContain(a.code);
    expect(mail?.text).toContain('Servici');
    const ics = mail?.attachments.find((x) => x.filename === 'cita.ics');
    const icsText = ics?.content.toString('utf8') ?? '';
    expect(icsText).toContain('BEGIN:VCALENDAR');
    expect(icsText).toContain('DTSTART:20261130T082000Z');
    expect(icsText).toContain('DTEND:20261130T084000Z');
    expect(icsText).toContain(`UID:${a.id}@ventanilla`);
    const audit = await t.db.query<{ channel: string; kiosk_id: string }>(`SELECT channel, kiosk_id FROM audit_log WHERE subject_id = $1`, [a.id]);
    expect(audit.rows[0]).toEqual({ channel: 'kiosk', kiosk_id: 'alacant-mercat' });
  });

  it('reschedules atomically and leaves the old appointment untouched when the new slot is full', async () => {
    const at = (time: string) => localToUtc('2026-12-01', time, 'Europe/Madrid').toISOString();
    const a = await svc.book('alacant', '12345678Z', { serviceId: 'tributos', officeId: 'centre', startsAt: at('08:30') }, ctx);
    await svc.book('alacant', '23456789D', { serviceId: 'tributos', officeId: 'centre', startsAt: at('08:50') }, ctx);
    await expect(svc.reschedule('alacant', '12345678Z', a.id, { startsAt: at('08:50') }, ctx)).rejects.toMatchObject({ code: 'appointments.slot_full' });
    expect((await svc.get('alacant', '12345678Z', a.id, 'es')).status).toBe('booked');
    const moved = await svc.reschedule('alacant', '12345678Z', a.id, { startsAt: at('09:10') }, ctx);
    expect(moved).toMatchObject({ localTime: '09:10', rescheduledFrom: a.id, status: 'booked' });
    expect((await svc.get('alacant', '12345678Z', a.id, 'es')).status).toBe('cancelled');
    const days = await svc.availability('alacant', { serviceId: 'tributos', from: '2026-12-01', days: 1 });
    const free = Object.fromEntries((days[0]?.slots ?? []).map((s) => [s.time, s.free]));
    expect(free).toMatchObject({ '08:30': 1, '08:50': 0, '09:10': 0 });
  });

  it('cancels once, frees the place and hides appointments from other citizens', async () => {
    const startsAt = localToUtc('2026-12-01', '10:10', 'Europe/Madrid').toISOString();
    const a = await svc.book('alacant', 'X1234567L', { serviceId: 'tributos', officeId: 'centre', startsAt }, ctx);
    await expect(svc.cancel('alacant', '12345678Z', a.id, ctx)).rejects.toMatchObject({ code: 'appointments.not_found', status: 404 });
    await expect(svc.get('alacant', '12345678Z', a.id, 'es')).rejects.toMatchObject({ status: 404 });
    await expect(svc.get('medina-rioseco', 'X1234567L', a.id, 'es')).rejects.toMatchObject({ status: 404 });
    await svc.cancel('alacant', 'X1234567L', a.id, ctx);
    await expect(svc.cancel('alacant', 'X1234567L', a.id, ctx)).rejects.toMatchObject({ code: 'appointments.already_cancelled' });
    const again = await svc.book('alacant', '34567890V', { serviceId: 'tributos', officeId: 'centre', startsAt }, ctx);
    expect(again.status).toBe('booked');
    expect((await svc.listMine('alacant', 'X1234567L', 'en')).map((x) => x.status)).toEqual(['cancelled']);
  });

  it('sends each reminder once, 24 hours ahead, however often the job runs', async () => {
    const startsAt = localToUtc('2026-11-26', '12:00', 'Europe/Madrid').toISOString();
    await svc.book('alacant', '45678901G', { serviceId: 'padron', officeId: 'benalua', startsAt, email: 'ana.reminder@example.org' }, ctx);
    await sink.waitFor(sink.messages.length);
    const before = sink.messages.length;
    clock = new Date('2026-11-25T12:00:00Z');
    const runs = await Promise.all([svc.sendReminders(), svc.sendReminders()]);
    expect(runs[0] + runs[1]).toBeGreaterThanOrEqual(1);
    expect(await svc.sendReminders()).toBe(0);
    await sink.waitFor(before + runs[0] + runs[1]);
    const reminders = sink.messages.filter((m) => m.subject?.startsWith('Recordatorio'));
    expect(reminders.filter((m) => m.text?.includes('Benalúa'))).toHaveLength(1);
    clock = NOW;
  });
});
