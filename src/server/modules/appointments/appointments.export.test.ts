import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { startWithoutConnectorSecrets } from '../../testing/procedures.ts';
import { ConnectorConfigError, createConfiguredAppointmentCalendars } from '../connectors/index.ts';
import { TenantRegistry, ZTenantProfile, type LoadedTenant, type TenantProfile } from '../tenants/index.ts';
import { appointmentExportOperations } from './appointments.export.ts';
import { createAppointmentsService, type AppointmentsService } from './appointments.service.ts';

// Wednesday 25 November 2026, 09:00 in Madrid (UTC+1).
const ctx = { channel: 'web' as const, lang: 'es' as const };
const TOKEN = 'cita-previa-alacant-token';
const dniFor = (i: number) => `E${String(i).padStart(7, '0')}X`;

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: { id?: string; tenant?: string; appointmentId?: string; kind?: string; code?: string; dni?: string; serviceId?: string; officeId?: string; startsAt?: string; endsAt?: string; at?: string; rescheduledFrom?: string };
}

/**
 * A council's queue system on 127.0.0.1: it keeps the events it accepted by id, answers 409 for an id it already
 * holds, and plays the statuses queued in `answers` (one per POST) before behaving normally.
 */
async function startCalendar() {
  const received: Received[] = [];
  const held = new Map<string, string>();
  const answers: { status: number; body?: unknown }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Received['body']) : {};
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const send = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: 'unauthorized' });
      if (req.method !== 'POST' || req.url !== '/appointments/events' || !body.id) return send(404, { error: 'not found' });
      const scripted = answers.shift();
      if (scripted) return send(scripted.status, scripted.body ?? { error: `scripted ${scripted.status}` });
      if (held.has(body.id)) return send(409, { id: body.id });
      const ref = `QM-${String(held.size + 1).padStart(5, '0')}`;
      held.set(body.id, ref);
      return send(201, { externalRef: ref });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, held, answers, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const withCalendar = (p: TenantProfile, baseUrl: string): TenantProfile =>
  p.id === 'alacant' ? { ...p, connectors: { ...p.connectors, appointments: { kind: 'rest', baseUrl, tokenEnv: 'CONNECTOR_ALACANT_QUEUE_TOKEN', timeoutMs: 5000 } } } : p;

describe('appointments mirrored to a council calendar over REST', () => {
  let t: TestDb;
  let calendar: Awaited<ReturnType<typeof startCalendar>>;
  let svc: AppointmentsService;
  let tenants: LoadedTenant[];
  let clock = new Date('2026-11-25T08:00:00Z');
  let slots: string[] = [];
  let next = 0;
  const errors: string[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    calendar = await startCalendar();
    tenants = t.tenants.map((lt) => ({ ...lt, profile: withCalendar(lt.profile, calendar.url) }));
    const calendarFor = createConfiguredAppointmentCalendars(
      tenants.map((lt) => lt.profile),
      { CONNECTOR_ALACANT_QUEUE_TOKEN: TOKEN },
    );
    svc = createAppointmentsService({ db: t.db, tenants: new TenantRegistry(tenants), now: () => clock, calendarFor, onError: (err, what) => void errors.push(`${what}: ${(err as Error).message}`) });
    const days = await svc.availability('alacant', { serviceId: 'padron', officeId: 'centre', from: '2026-12-09', days: 2 });
    slots = days.flatMap((d) => d.slots.map((s) => s.startsAt));
  }, 60_000);
  afterAll(async () => {
    await calendar.close();
    await t.close();
  });

  /** A fresh slot and citizen for each booking, so tests never collide on capacity. */
  const book = () => {
    const i = next++;
    return svc.book('alacant', dniFor(i), { serviceId: 'padron', officeId: 'centre', startsAt: slots[i] ?? '' }, ctx);
  };
  const postsFor = (appointmentId: string) => calendar.received.filter((r) => r.method === 'POST' && r.body.appointmentId === appointmentId);
  const audit = async (action: string, id: string) => (await t.db.query<{ details: Record<string, unknown> }>(`SELECT details FROM audit_log WHERE action = $1 AND subject_id = $2 ORDER BY id`, [action, id])).rows;
  /** The delivery started after each change runs in the background; wait until every event has been tried and none is held. */
  const settled = async (appointmentId: string, events: number) => {
    for (let i = 0; i < 200; i++) {
      const es = await svc.exportStatus('alacant', appointmentId);
      if (es.length === events && es.every((e) => e.attempts >= 1 && (e.status !== 'pending' || e.lastError !== null))) {
        const held = await t.db.query(`SELECT 1 FROM appointment_exports WHERE appointment_id = $1 AND leased_until IS NOT NULL`, [appointmentId]);
        if (held.rows.length === 0) return es;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`exports of ${appointmentId} did not settle`);
  };

  it('sends a booking once, with the bearer token, the event id as Idempotency-Key and the appointment', async () => {
    const a = await book();
    const [e, ...others] = await settled(a.id, 1);
    expect(others).toEqual([]);
    expect(e).toEqual({ eventId: expect.any(String), kind: 'booked', status: 'delivered', attempts: 1, lastError: null, externalRef: expect.stringMatching(/^QM-\d{5}$/) });

    const [post, ...more] = postsFor(a.id);
    expect(more).toEqual([]);
    expect(post?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers['idempotency-key']).toBe(e?.eventId);
    expect(post?.body).toEqual({
      tenant: 'alacant',
      id: e?.eventId,
      appointmentId: a.id,
      kind: 'booked',
      code: a.code,
      dni: dniFor(0),
      serviceId: 'padron',
      officeId: 'centre',
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      at: clock.toISOString(),
    });
    expect(calendar.held.get(e?.eventId ?? '')).toBe(e?.externalRef);
    expect(await audit('appointment.exported', a.id)).toEqual([{ details: { eventId: e?.eventId, kind: 'booked', attempts: 1, externalRef: e?.externalRef } }]);

    // The job run again has nothing to send, even hours later.
    clock = new Date(clock.getTime() + 7 * 3600_000);
    expect(await svc.deliverAppointmentExports()).toBe(0);
    expect(postsFor(a.id)).toHaveLength(1);
  });

  it('sends a cancellation as a second event of the same appointment, after the booking', async () => {
    const a = await book();
    await settled(a.id, 1);
    await svc.cancel('alacant', dniFor(next - 1), a.id, ctx);
    const es = await settled(a.id, 2);
    expect(es.map((e) => [e.kind, e.status])).toEqual([['booked', 'delivered'], ['cancelled', 'delivered']]);
    const posts = postsFor(a.id);
    expect(posts.map((p) => p.body.kind)).toEqual(['booked', 'cancelled']);
    expect(posts.map((p) => p.headers['idempotency-key'])).toEqual(es.map((e) => e.eventId));
    expect(posts[1]?.body).toMatchObject({ code: a.code, startsAt: a.startsAt, officeId: 'centre' });
    expect(await svc.deliverAppointmentExports()).toBe(0);
    expect(postsFor(a.id)).toHaveLength(2);
  });

  it('keeps an event in the outbox while the system answers 503, holds back the later cancellation, and delivers both in order once due', async () => {
    calendar.answers.push({ status: 503 });
    const a = await book();
    expect(await settled(a.id, 1)).toMatchObject([{ kind: 'booked', status: 'pending', attempts: 1, lastError: expect.stringContaining('HTTP 503') }]);
    await svc.cancel('alacant', dniFor(next - 1), a.id, ctx);
    // The cancellation is due at once but must not overtake the booking, which waits a minute for its retry (the run
    // started by cancel read the same clock, so it cannot have sent it either).
    expect(await svc.deliverAppointmentExports()).toBe(0);
    expect(postsFor(a.id).map((p) => p.body.kind)).toEqual(['booked']);
    expect((await svc.exportStatus('alacant', a.id)).map((e) => [e.kind, e.status, e.attempts])).toEqual([['booked', 'pending', 1], ['cancelled', 'pending', 0]]);

    clock = new Date(clock.getTime() + 61_000);
    expect(await svc.deliverAppointmentExports()).toBe(2);
    const es = await svc.exportStatus('alacant', a.id);
    expect(es.map((e) => [e.kind, e.status, e.attempts, e.lastError])).toEqual([['booked', 'delivered', 2, null], ['cancelled', 'delivered', 1, null]]);
    const posts = postsFor(a.id);
    expect(posts.map((p) => p.body.kind)).toEqual(['booked', 'booked', 'cancelled']);
    expect(posts.map((p) => p.headers['idempotency-key'])).toEqual([es[0]?.eventId, es[0]?.eventId, es[1]?.eventId]);
    expect(await audit('appointment.exported', a.id)).toHaveLength(2);
  });

  it('sends a reschedule as an event of the new appointment naming the one it replaces', async () => {
    const a = await book();
    await settled(a.id, 1);
    const moved = await svc.reschedule('alacant', dniFor(next - 1), a.id, { startsAt: slots[next++] ?? '' }, ctx);
    const [e] = await settled(moved.id, 1);
    expect(e).toMatchObject({ kind: 'rescheduled', status: 'delivered' });
    expect(postsFor(moved.id).map((p) => p.body)).toEqual([expect.objectContaining({ kind: 'rescheduled', appointmentId: moved.id, rescheduledFrom: a.id, code: moved.code, startsAt: moved.startsAt })]);
  });

  it('marks an event the system refuses (422) as failed, audits it and never retries it', async () => {
    calendar.answers.push({ status: 422, body: { error: 'officeId unknown' } });
    const a = await book();
    const [e] = await settled(a.id, 1);
    expect(e).toMatchObject({ status: 'failed', attempts: 1, externalRef: null });
    expect(e?.lastError).toContain('HTTP 422');
    expect(e?.lastError).toContain('officeId unknown');
    clock = new Date(clock.getTime() + 24 * 3600_000);
    expect(await svc.deliverAppointmentExports()).toBe(0);
    expect(postsFor(a.id)).toHaveLength(1);
    expect(await audit('appointment.export_failed', a.id)).toEqual([{ details: { eventId: e?.eventId, attempts: 1, error: expect.stringContaining('HTTP 422') } }]);
    expect(await audit('appointment.exported', a.id)).toEqual([]);

    // The operator sees which appointment and event it was, fixes the office list, and sends it again.
    const ops = appointmentExportOperations(t.db, () => clock);
    expect((await ops.failed('alacant')).filter((r) => r.key === e?.eventId)).toEqual([
      { key: e?.eventId, attempts: 1, last_error: expect.stringContaining('HTTP 422'), created_at: expect.any(Date), about: { appointment_id: a.id, kind: 'booked' } },
    ]);
    await ops.requeue('alacant', e?.eventId ?? '');
    expect(await svc.deliverAppointmentExports()).toBe(1);
    expect((await svc.exportStatus('alacant', a.id))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(postsFor(a.id)).toHaveLength(2);
  });

  it('sends nothing and queues nothing for a council whose calendar is our database (embedded)', async () => {
    const before = calendar.received.length;
    const [day] = await svc.availability('medina-rioseco', { serviceId: 'atencion-general', from: '2026-12-09', days: 5 });
    const a = await svc.book('medina-rioseco', dniFor(900), { serviceId: 'atencion-general', officeId: day?.officeId ?? '', startsAt: day?.slots[0]?.startsAt ?? '' }, ctx);
    await svc.cancel('medina-rioseco', dniFor(900), a.id, ctx);
    expect(await svc.exportStatus('medina-rioseco', a.id)).toEqual([]);
    expect((await t.db.query(`SELECT 1 FROM appointment_exports WHERE tenant_id = 'medina-rioseco'`)).rows).toEqual([]);
    expect(await svc.deliverAppointmentExports()).toBe(0);
    expect(calendar.received.length).toBe(before);
    expect(errors.filter((e) => e.includes(a.id))).toEqual([]);
  });

  it('refuses to start when the calendar token variable is not set, naming it', () => {
    const profiles = tenants.map((lt) => lt.profile);
    expect(() => createConfiguredAppointmentCalendars(profiles, {})).toThrow(ConnectorConfigError);
    expect(() => createConfiguredAppointmentCalendars(profiles, {})).toThrow('alacant: connectors.appointments.tokenEnv names CONNECTOR_ALACANT_QUEUE_TOKEN, which is not set');
    const start = startWithoutConnectorSecrets(t.db, tenants);
    expect(start).toThrow(/connectors\.appointments\.tokenEnv names CONNECTOR_ALACANT_QUEUE_TOKEN/);
  });

  it('reads connectors.appointments from a profile: embedded by default, rest with a CONNECTOR_ variable', () => {
    const plain = JSON.parse(JSON.stringify(t.tenants[0]?.profile)) as Record<string, unknown>;
    delete plain.connectors;
    expect(ZTenantProfile.parse(plain).connectors.appointments).toEqual({ kind: 'embedded' });
    const rest = ZTenantProfile.parse({ ...plain, connectors: { appointments: { kind: 'rest', baseUrl: calendar.url, tokenEnv: 'CONNECTOR_ALACANT_QUEUE_TOKEN' } } });
    expect(rest.connectors).toMatchObject({ padron: { kind: 'embedded' }, filings: { kind: 'embedded' }, appointments: { kind: 'rest', baseUrl: calendar.url } });
    expect(ZTenantProfile.safeParse({ ...plain, connectors: { appointments: { kind: 'rest', baseUrl: calendar.url, tokenEnv: 'the-token-itself' } } }).success).toBe(false);
  });
});
