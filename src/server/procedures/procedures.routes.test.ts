/**
 * The procedures over HTTP with real sign-ins (demo cards): certificates, appointments, payments and filings,
 * and every citizen endpoint called with another citizen's ids answers 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPoppler } from '../testing/poppler.ts';
import { TINY_PNG, tinyPdf } from '../testing/files.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from '../modules/identity/index.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { refusedPayment } from '../testing/payments.ts';
import { seedDemoRegisters } from '../demo/demo-seed.ts';

interface Session {
  headers: Record<string, string>;
}

let ta: TestApp;
let maria: Session; // 12345678Z, household ALC-H-0001
let amina: Session; // X1234567L
let agent: Session;

async function signIn(url: string, payload: Record<string, string>): Promise<Session> {
  const res = await ta.app.inject({ method: 'POST', url, headers: { 'x-tenant': 'alacant' }, payload });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  const csrf = res.json<{ csrfToken: string }>().csrfToken;
  return { headers: { 'x-tenant': 'alacant', cookie: `${SESSION_COOKIE}=${cookie?.value ?? ''}`, [CSRF_HEADER]: csrf } };
}

function multipart(fields: Record<string, string>, files: { name: string; data: Buffer; type: string }[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----vt' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

beforeAll(async () => {
  ta = await createTestApp();
  await seedDemoIdentities(ta.t.db);
  await seedDemoRegisters(ta.t.db, ta.t.tenants.map((t) => t.profile));
  maria = await signIn('/api/v1/auth/card', { card: '4000000000000001', pin: '1234' });
  amina = await signIn('/api/v1/auth/card', { card: '4000000000000003', pin: '3456' });
  agent = await signIn('/api/v1/auth/staff', { email: 'agent@alacant.example.org', password: 'demo-agent-alacant' });
}, 120_000);
afterAll(async () => ta.close());

describe('padrón certificate over HTTP', () => {
  it('issues a signed collective certificate once per Idempotency-Key and serves the PDF only to its citizen', async () => {
    const req = { method: 'POST' as const, url: '/api/v1/certificates/padron', headers: { ...maria.headers, 'idempotency-key': 'kiosk-tap-1' }, payload: { kind: 'collective', language: 'ca' } };
    const first = await ta.app.inject(req);
    expect(first.statusCode).toBe(201);
    const again = await ta.app.inject(req);
    expect(again.json()).toEqual(first.json());
    const doc = first.json<{ code: string; url: string; language: string }>();
    expect(doc.language).toBe('ca');
    const pdf = await ta.app.inject({ method: 'GET', url: doc.url, headers: maria.headers });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(runPoppler('pdfsig', pdf.rawPayload)).toContain('Signature is Valid');
    const text = runPoppler('pdftotext', pdf.rawPayload);
    expect(text).toContain('23456789D');
    const other = await ta.app.inject({ method: 'GET', url: doc.url, headers: amina.headers });
    expect(other.statusCode).toBe(404);
    const mismatch = await ta.app.inject({ ...req, payload: { kind: 'individual' } });
    expect(mismatch.statusCode).toBe(422);
    const events = await ta.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE type = 'certificate.issued' AND language = 'ca' AND channel = 'web'`);
    expect(events.rows[0]?.n).toBe(1);
    const audit = await ta.t.db.query<{ actor_id: string }>(`SELECT actor_id FROM audit_log WHERE action = 'certificate.issued'`);
    expect(audit.rows.map((r) => r.actor_id)).toEqual(['12345678Z']);
  }, 60_000);

  it('refuses a certificate without a session', async () => {
    const res = await ta.app.inject({ method: 'POST', url: '/api/v1/certificates/padron', headers: { 'x-tenant': 'alacant' }, payload: { kind: 'individual' } });
    expect(res.statusCode).toBe(401);
  });
});

describe('appointments over HTTP', () => {
  it("books, lists and cancels, and answers 404 for another citizen's appointment", async () => {
    const avail = await ta.app.inject({ method: 'GET', url: '/api/v1/appointments/availability?serviceId=padron&officeId=benalua&days=10', headers: { 'x-tenant': 'alacant' } });
    expect(avail.statusCode).toBe(200);
    const slot = avail.json<{ days: { slots: { startsAt: string; free: number }[] }[] }>().days[0]?.slots.find((s) => s.free > 0);
    if (!slot) throw new Error('no free slot');
    const booked = await ta.app.inject({ method: 'POST', url: '/api/v1/appointments', headers: maria.headers, payload: { serviceId: 'padron', officeId: 'benalua', startsAt: slot.startsAt } });
    expect(booked.statusCode).toBe(201);
    const id = booked.json<{ id: string; code: string }>().id;
    // "Add to my calendar" (the assistant's card links here): the event at the booked instant.
    const ics = await ta.app.inject({ method: 'GET', url: `/api/v1/appointments/${id}/ics`, headers: maria.headers });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.headers['content-disposition']).toBe(`attachment; filename="${booked.json<{ code: string }>().code}.ics"`);
    expect(ics.body).toContain('BEGIN:VEVENT');
    expect(ics.body).toContain(`DTSTART:${slot.startsAt.replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`);
    for (const [method, url, payload] of [
      ['GET', `/api/v1/appointments/${id}`, undefined],
      ['GET', `/api/v1/appointments/${id}/ics`, undefined],
      ['POST', `/api/v1/appointments/${id}/cancel`, undefined],
      ['POST', `/api/v1/appointments/${id}/reschedule`, { startsAt: slot.startsAt }],
    ] as const) {
      const res = await ta.app.inject({ method, url, headers: amina.headers, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const mine = await ta.app.inject({ method: 'GET', url: '/api/v1/appointments', headers: amina.headers });
    expect(mine.json<{ appointments: unknown[] }>().appointments).toEqual([]);
    const cancel = await ta.app.inject({ method: 'POST', url: `/api/v1/appointments/${id}/cancel`, headers: maria.headers });
    expect(cancel.json<{ status: string }>().status).toBe('cancelled');
  });

  it('answers 409 appointments.slot_full with a translated message when the last place is gone', async () => {
    // A slot with exactly one place left, found from today's calendar so the test never runs out of future dates.
    const avail = await ta.app.inject({ method: 'GET', url: '/api/v1/appointments/availability?serviceId=tributos&officeId=centre&days=10', headers: { 'x-tenant': 'alacant' } });
    const last = avail
      .json<{ days: { slots: { startsAt: string; free: number }[] }[] }>()
      .days.flatMap((d) => d.slots)
      .find((s) => s.free === 1);
    if (!last) throw new Error('no slot with one place left');
    const body = { serviceId: 'tributos', officeId: 'centre', startsAt: last.startsAt };
    expect((await ta.app.inject({ method: 'POST', url: '/api/v1/appointments', headers: maria.headers, payload: body })).statusCode).toBe(201);
    const full = await ta.app.inject({ method: 'POST', url: '/api/v1/appointments?lang=en', headers: amina.headers, payload: body });
    expect(full.statusCode).toBe(409);
    expect(full.json()).toEqual({ error: { code: 'appointments.slot_full', message: 'There are no free places left at that time. Please choose another.' } });
  });
});

describe('payments over HTTP', () => {
  it('pays through the sandbox gateway once, even when Pay is pressed twice, and serves the signed receipt', async () => {
    const pending = await ta.app.inject({ method: 'GET', url: '/api/v1/payments/pending', headers: maria.headers });
    const ibi = pending.json<{ items: { id: string; taxCode: string }[] }>().items.find((i) => i.taxCode === 'IBI');
    if (!ibi) throw new Error('no IBI');
    const started = await ta.app.inject({ method: 'POST', url: '/api/v1/payments', headers: maria.headers, payload: { debtId: ibi.id } });
    expect(started.statusCode).toBe(201);
    const s = started.json<{ paymentId: string; orderId: string; redirectForm: { url: string; fields: Record<string, string> } }>();
    const pageUrl = `${new URL(s.redirectForm.url).pathname}?p=${encodeURIComponent(s.redirectForm.fields.p ?? '')}`;
    for (let i = 0; i < 2; i++) {
      const pay = await ta.app.inject({ method: 'POST', url: pageUrl, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'decision=pay' });
      expect(pay.statusCode).toBe(303);
    }
    const payment = await ta.app.inject({ method: 'GET', url: `/api/v1/payments/${s.paymentId}`, headers: maria.headers });
    expect(payment.json<{ status: string }>().status).toBe('paid');
    const notes = await ta.t.db.query<{ outcome: string }>(`SELECT outcome FROM payment_notifications WHERE order_id = $1 ORDER BY id`, [s.orderId]);
    expect(notes.rows.map((r) => r.outcome)).toEqual(['paid', 'duplicate']);
    const receipt = await ta.app.inject({ method: 'GET', url: `/api/v1/payments/${s.paymentId}/receipt`, headers: maria.headers });
    expect(receipt.headers['content-type']).toBe('application/pdf');
    expect(runPoppler('pdfsig', receipt.rawPayload)).toContain('Signature is Valid');
    for (const url of [`/api/v1/payments/${s.paymentId}`, `/api/v1/payments/${s.paymentId}/receipt`, `/api/v1/payments/debts/${ibi.id}`]) {
      expect((await ta.app.inject({ method: 'GET', url, headers: amina.headers })).statusCode, url).toBe(404);
    }
    expect((await ta.app.inject({ method: 'POST', url: '/api/v1/payments', headers: amina.headers, payload: { debtId: ibi.id } })).statusCode).toBe(404);
  }, 60_000);
});

describe('filings over HTTP', () => {
  it('files with attachments, lets staff move it on, and hides it from other citizens', async () => {
    const form = multipart({ subject: 'Licencia de obra menor', body: 'Solicito licencia para reformar el baño.', departmentId: 'urbanismo' }, [
      { name: 'presupuesto.pdf', data: await tinyPdf(), type: 'application/pdf' },
      { name: 'foto.png', data: TINY_PNG, type: 'image/png' },
    ]);
    const res = await ta.app.inject({ method: 'POST', url: '/api/v1/filings', headers: { ...maria.headers, ...form.headers }, payload: form.payload });
    expect(res.statusCode, res.body).toBe(201);
    const f = res.json<{ id: string; registryNumber: string; attachments: { id: string }[] }>();
    expect(f.registryNumber).toMatch(/^REG-\d{4}-\d{6}$/);
    expect(f.attachments).toHaveLength(2);
    const list = await ta.app.inject({ method: 'GET', url: '/api/v1/filings', headers: maria.headers });
    expect(list.json<{ filings: { id: string }[] }>().filings.map((x) => x.id)).toContain(f.id);
    for (const url of [`/api/v1/filings/${f.id}`, `/api/v1/filings/${f.id}/receipt`, `/api/v1/filings/${f.id}/attachments/${f.attachments[0]?.id ?? ''}`, `/api/v1/filings/status/${f.registryNumber}`]) {
      expect((await ta.app.inject({ method: 'GET', url, headers: amina.headers })).statusCode, url).toBe(404);
    }
    expect((await ta.app.inject({ method: 'POST', url: `/api/v1/staff/filings/${f.id}/status`, headers: maria.headers, payload: { status: 'resolved' } })).statusCode).toBe(401);
    const moved = await ta.app.inject({ method: 'POST', url: `/api/v1/staff/filings/${f.id}/status`, headers: agent.headers, payload: { status: 'in_review', note: 'Asignada' } });
    expect(moved.statusCode).toBe(200);
    const status = await ta.app.inject({ method: 'GET', url: `/api/v1/filings/status/${f.registryNumber}`, headers: maria.headers });
    expect(status.json<{ status: string }>().status).toBe('in_review');
  }, 60_000);

  it('refuses a renamed executable with 415 and too many files with 413', async () => {
    const fake = multipart({ subject: 'Factura', body: 'Adjunto factura', departmentId: 'hacienda' }, [{ name: 'factura.pdf', data: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]), type: 'application/pdf' }]);
    const res = await ta.app.inject({ method: 'POST', url: '/api/v1/filings', headers: { ...maria.headers, ...fake.headers }, payload: fake.payload });
    expect(res.statusCode).toBe(415);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('filings.unsupported_type');
    const many = multipart({ subject: 'Fotos', body: 'Muchas fotos', departmentId: 'hacienda' }, Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.png`, data: TINY_PNG, type: 'image/png' })));
    const tooMany = await ta.app.inject({ method: 'POST', url: '/api/v1/filings', headers: { ...maria.headers, ...many.headers }, payload: many.payload });
    expect(tooMany.statusCode).toBe(413);
  });
});

describe("lists never mix citizens' records", () => {
  it("gives Amina none of María's certificates, appointments, payments, debts or filings", async () => {
    // Runs after the journeys above, so María holds at least one of each.
    const ids = async (who: Session, url: string, key: string): Promise<string[]> => {
      const res = await ta.app.inject({ method: 'GET', url, headers: who.headers });
      expect(res.statusCode, url).toBe(200);
      const body = res.json<Record<string, { id?: string; code?: string }[]>>();
      return (body[key] ?? []).map((x) => x.id ?? x.code ?? '');
    };
    for (const [url, key] of [
      ['/api/v1/certificates/padron', 'certificates'],
      ['/api/v1/payments', 'payments'],
      ['/api/v1/payments/pending', 'items'],
      ['/api/v1/filings', 'filings'],
    ] as const) {
      const mine = await ids(maria, url, key);
      expect(mine.length, `${url} for María`).toBeGreaterThan(0);
      const theirs = await ids(amina, url, key);
      expect(theirs.filter((id) => mine.includes(id)), url).toEqual([]);
    }
  });
});

describe('refused deliveries over HTTP (staff)', () => {
  it('lists what a registry, calendar or tax system refused to admins only, and sends one again, audited with the staff member', async () => {
    const admin = await signIn('/api/v1/auth/staff', { email: 'admin@alacant.example.org', password: 'demo-admin-alacant' });
    // What the senders write on a 422: a demo filing and an appointment event of Alacant, refused.
    const filing = (await ta.t.db.query<{ id: string; registry_number: string }>(`SELECT id, registry_number FROM filings WHERE tenant_id = 'alacant' ORDER BY registry_number LIMIT 1`)).rows[0];
    if (!filing) throw new Error('no demo filing');
    await ta.t.db.query(`INSERT INTO filing_exports (filing_id, tenant_id, status, attempts, last_error) VALUES ($1, 'alacant', 'failed', 1, 'HTTP 422: departmentId unknown')`, [filing.id]);
    // And a payment the tax system refused (what the payments sender writes on a 422).
    const payment = await refusedPayment(ta.t.db, 'tax REST payments: HTTP 422 {"error":"unknown reference"}');
    const url = '/api/v1/staff/exports/failed';

    expect((await ta.app.inject({ method: 'GET', url, headers: { 'x-tenant': 'alacant' } })).statusCode).toBe(401);
    expect((await ta.app.inject({ method: 'GET', url, headers: agent.headers })).statusCode).toBe(403);
    expect((await ta.app.inject({ method: 'GET', url, headers: maria.headers })).statusCode).toBe(401);
    const listed = await ta.app.inject({ method: 'GET', url, headers: admin.headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({
      items: [
        { outbox: 'filings', key: filing.id, attempts: 1, lastError: 'HTTP 422: departmentId unknown', createdAt: expect.any(String), about: { registry_number: filing.registry_number, department_id: expect.any(String) } },
        { outbox: 'payments', key: payment.id, attempts: 1, lastError: 'tax REST payments: HTTP 422 {"error":"unknown reference"}', createdAt: expect.any(String), about: { reference: payment.reference, order_id: payment.orderId, amount_cents: payment.amountCents } },
      ],
    });

    // Monitoring sees it too: the backlog on /metrics, per outbox, council and status.
    const metrics = async () => (await ta.app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = await metrics();
    expect(before).toContain('ventanilla_outbox_rows{outbox="filings",tenant="alacant",status="failed"} 1');
    expect(before).toMatch(/ventanilla_outbox_oldest_seconds\{outbox="filings",tenant="alacant",status="failed"\} \d+/);
    expect(before).toContain('ventanilla_outbox_rows{outbox="payments",tenant="alacant",status="failed"} 1');

    const retry = `/api/v1/staff/exports/filings/${filing.id}/retry`;
    expect((await ta.app.inject({ method: 'POST', url: retry, headers: agent.headers })).statusCode).toBe(403);
    const bad = await ta.app.inject({ method: 'POST', url: `/api/v1/staff/exports/refunds/${filing.id}/retry?lang=en`, headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect((await ta.app.inject({ method: 'POST', url: retry, headers: admin.headers })).statusCode).toBe(204);
    // Sent at once, not at the job's next run: a second attempt is recorded (this demo council has no registry to
    // take it, so it stays pending for the back-off).
    const attempts = async () => (await ta.t.db.query<{ attempts: number }>(`SELECT attempts FROM filing_exports WHERE filing_id = $1`, [filing.id])).rows[0]?.attempts;
    for (let i = 0; i < 100 && (await attempts()) !== 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await attempts()).toBe(2);
    const again = await ta.app.inject({ method: 'POST', url: `${retry}?lang=ca`, headers: admin.headers });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ error: { code: 'connectors.export_not_failed', message: 'No hi ha cap enviament rebutjat amb eixa referència en este ajuntament.' } });
    // The refused payment, sent again the same way (this demo council has no tax system to take it either).
    expect((await ta.app.inject({ method: 'POST', url: `/api/v1/staff/exports/payments/${payment.id}/retry`, headers: admin.headers })).statusCode).toBe(204);
    const paymentAttempts = async () => (await ta.t.db.query<{ attempts: number }>(`SELECT attempts FROM payment_exports WHERE payment_id = $1`, [payment.id])).rows[0]?.attempts;
    for (let i = 0; i < 100 && (await paymentAttempts()) !== 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await paymentAttempts()).toBe(2);
    expect((await ta.t.db.query(`SELECT actor_type FROM audit_log WHERE action = 'payment.export_requeued' AND subject_id = $1`, [payment.id])).rows).toEqual([{ actor_type: 'staff' }]);
    expect((await ta.app.inject({ method: 'GET', url, headers: admin.headers })).json()).toEqual({ items: [] });
    const audit = await ta.t.db.query(`SELECT actor_type, channel FROM audit_log WHERE action = 'filing.export_requeued' AND subject_id = $1`, [filing.id]);
    expect(audit.rows).toEqual([{ actor_type: 'staff', channel: 'web' }]);
    await new Promise((r) => setTimeout(r, 150)); // past the one-scrape reuse of the backlog read
    const after = await metrics();
    expect(after).toContain('ventanilla_outbox_rows{outbox="filings",tenant="alacant",status="pending"} 1');
    expect(after).not.toContain('status="failed"');
  });
});
