/**
 * The payment reminder job with real transports: e-mail through an SMTP server on 127.0.0.1 (the appointments tests'
 * sink) and SMS through an HTTP provider on 127.0.0.1. Both moments, each sent once however often the job runs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSmsSender, createMailer, type Mailer } from '../../mail/index.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp-sink.ts';
import { TenantRegistry } from '../tenants/index.ts';
import { SandboxGateway } from './gateway/sandbox.gateway.ts';
import { createPaymentsService, type PaymentsService } from './payments.service.ts';

describe('payment reminders', () => {
  let t: TestDb;
  let svc: PaymentsService;
  let smtp: SmtpSink;
  let mailer: Mailer;
  let smsServer: Server;
  const sms: { to: string; text: string; auth: string | undefined }[] = [];
  const errors: string[] = [];
  let now = new Date('2026-11-25T09:00:00Z');

  beforeAll(async () => {
    t = await createTestDb();
    smtp = await startSmtpSink();
    mailer = createMailer({ smtpUrl: smtp.url, from: 'Ventanilla <no-reply@example.org>', outboxDir: '/nonexistent' });
    smsServer = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        sms.push({ ...(JSON.parse(raw) as { to: string; text: string }), auth: req.headers.authorization });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => smsServer.listen(0, '127.0.0.1', resolve));
    svc = createPaymentsService({
      db: t.db,
      tenants: new TenantRegistry(t.tenants),
      gateways: { sandbox: new SandboxGateway({ secret: 'r'.repeat(40), publicUrl: 'http://127.0.0.1:3000' }) },
      defaultGateway: 'sandbox',
      publicUrl: 'http://127.0.0.1:3000',
      mailer,
      sms: createHttpSmsSender({ url: `http://127.0.0.1:${(smsServer.address() as AddressInfo).port}/send`, token: 'tok-sms' }),
      now: () => now,
      onError: (err) => errors.push((err as Error).message),
    });
    const debt = { kind: 'receipt' as const, taxCode: 'IBI', concept: 'IBI 2026', fiscalYear: 2026, amountCents: 31_250, voluntaryStart: '2026-11-20', voluntaryEnd: '2026-12-31' };
    // Both channels, in Spanish; e-mail only, in Valencian; opted out.
    await svc.addDebt('alacant', { ...debt, dni: '11111111H', reference: 'REM-BOTH' });
    await svc.addDebt('alacant', { ...debt, dni: '22222222J', reference: 'REM-MAIL' });
    await svc.addDebt('alacant', { ...debt, dni: '33333333P', reference: 'REM-NONE' });
    await svc.setReminderPreferences('alacant', '11111111H', { isEmail: true, isSms: true, email: 'ana@example.org', phone: '+34 600 111 222' }, { channel: 'web', lang: 'es' });
    await svc.setReminderPreferences('alacant', '22222222J', { isEmail: true, isSms: false, email: 'pau@example.org', phone: '+34600333444' }, { channel: 'web', lang: 'ca' });
    await svc.setReminderPreferences('alacant', '33333333P', { isEmail: false, isSms: false, email: 'off@example.org' }, { channel: 'web', lang: 'es' });
  }, 60_000);
  afterAll(async () => {
    mailer.close();
    await smtp.close();
    await new Promise<void>((resolve) => smsServer.close(() => resolve()));
    await t.close();
  });

  it('tells opted-in citizens once that the voluntary period is open, by e-mail and by SMS to those who gave a phone', async () => {
    expect(await svc.sendReminders()).toBe(3);
    const mails = await smtp.waitFor(2);
    expect(mails.map((m) => [m.to && 'text' in m.to ? m.to.text : '', m.subject]).sort()).toEqual([
      ['ana@example.org', 'Ayuntamiento de Alicante (demo): ya puede pagar Impuesto sobre Bienes Inmuebles (REM-BOTH)'],
      ['pau@example.org', "Ajuntament d'Alacant (demo): ja pot pagar Impost sobre Béns Immobles (REM-MAIL)"],
    ]);
    expect(mails.find((m) => m.subject?.includes('REM-BOTH'))?.text).toContain('Puede pagarlo hasta el 2026-12-31');
    expect(sms).toEqual([{ to: '+34600111222', text: 'Ayuntamiento de Alicante (demo): ya puede pagar Impuesto sobre Bienes Inmuebles (312,50\u00a0€) hasta el 2026-12-31.', auth: 'Bearer tok-sms' }]);
    // A second run (or a second instance) sends nothing.
    expect(await svc.sendReminders()).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages).toHaveLength(2);
    expect(sms).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('warns once more when the period ends within five days, and then never again', async () => {
    now = new Date('2026-12-27T08:00:00Z');
    expect(await svc.sendReminders()).toBe(3);
    const mails = (await smtp.waitFor(4)).slice(2);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      "Ajuntament d'Alacant (demo): el termini per a pagar Impost sobre Béns Immobles acaba el 2026-12-31",
      'Ayuntamiento de Alicante (demo): el plazo para pagar Impuesto sobre Bienes Inmuebles termina el 2026-12-31',
    ]);
    expect(sms.at(-1)).toEqual({ to: '+34600111222', text: 'Ayuntamiento de Alicante (demo): el plazo para pagar Impuesto sobre Bienes Inmuebles (312,50\u00a0€) termina el 2026-12-31.', auth: 'Bearer tok-sms' });
    expect(await svc.sendReminders()).toBe(0);
    now = new Date('2026-12-30T08:00:00Z');
    expect(await svc.sendReminders()).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages).toHaveLength(4);
    expect(sms).toHaveLength(2);
    expect(smtp.messages.some((m) => m.subject?.includes('REM-NONE') || m.text?.includes('REM-NONE'))).toBe(false);
  });

  it('stops sending SMS once the citizen turns them off, and keeps the phone in E.164', async () => {
    expect(await svc.getReminderPreferences('alacant', '11111111H')).toEqual({ isEmail: true, isSms: true, email: 'ana@example.org', phone: '+34600111222', isSmsAvailable: true });
    await svc.setReminderPreferences('alacant', '11111111H', { isEmail: true, isSms: false, phone: null }, { channel: 'web', lang: 'es' });
    expect(await svc.getReminderPreferences('alacant', '11111111H')).toMatchObject({ isSms: false, phone: null, email: 'ana@example.org' });
    await svc.addDebt('alacant', { dni: '11111111H', kind: 'receipt', taxCode: 'VADO', reference: 'REM-VADO', concept: 'Vado', fiscalYear: 2026, amountCents: 9_900, voluntaryStart: '2026-12-01', voluntaryEnd: '2027-02-28' });
    expect(await svc.sendReminders()).toBe(1);
    expect(sms).toHaveLength(2);
    // The audit trail records the choice, not the number.
    const audit = await t.db.query<{ details: unknown }>(`SELECT details FROM audit_log WHERE action = 'payment.reminders_set'`);
    expect(JSON.stringify(audit.rows)).not.toContain('600111222');
  });
});
