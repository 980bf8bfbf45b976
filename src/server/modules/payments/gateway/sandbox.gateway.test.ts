import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsPlugin } from '../../../plugins/errors.ts';
import { SandboxGateway } from './sandbox.gateway.ts';
import { sandboxGatewayRoutes } from './sandbox.routes.ts';

const received: Record<string, string>[] = [];
let app: FastifyInstance;
let baseUrl: string;
let gateway: SandboxGateway;

beforeAll(async () => {
  app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorsPlugin);
  gateway = new SandboxGateway({ secret: 'test-secret-test-secret-test-secret-1234', publicUrl: 'http://127.0.0.1:0' });
  await app.register(sandboxGatewayRoutes(gateway));
  // A real loopback endpoint: the sandbox's notification goes over HTTP like Redsys's.
  await app.register(async (inner) => {
    inner.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    inner.post('/api/v1/payments/notify', async (req) => {
      received.push(req.body as Record<string, string>);
      return { ok: true };
    });
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

/** The page path and query the browser would open for a new payment. */
function newPayment(orderId: string): { path: string; token: string } {
  const form = gateway.createPayment({
    orderId,
    amountCents: 4550,
    description: 'Tasa de basuras 2026 <b>',
    urlOk: '/pagos/ok',
    urlKo: '/pagos/ko',
    notifyUrl: `${baseUrl}/api/v1/payments/notify`,
    language: 'ca',
  }).redirectForm;
  const token = form.fields.p ?? '';
  return { path: `${new URL(form.url).pathname}?p=${token}`, token };
}

describe('the sandbox gateway', () => {
  it('shows an accessible page with the amount, escaped text and Pay and Cancel buttons, without scripts', async () => {
    const { path } = newPayment('2601SBX00001');
    const res = await app.inject({ url: path });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="ca">');
    expect(res.body).toContain('45,50');
    expect(res.body).toContain('&#60;b&#62;');
    expect(res.body).not.toContain('<script');
    expect(res.body.match(/<button/g)?.length).toBe(2);
  });

  it('on Pay sends a Redsys-format notification that verifies, then returns the browser to the OK page', async () => {
    received.length = 0;
    const { path } = newPayment('2601SBX00002');
    const res = await app.inject({ method: 'POST', url: path, payload: 'decision=pay', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/pagos/ok');
    expect(received).toHaveLength(1);
    const n = gateway.verifyNotification(received[0]);
    expect(n).toMatchObject({ orderId: '2601SBX00002', isAuthorised: true, amountCents: 4550, responseCode: '0000' });
    expect(n.authorisationCode).toMatch(/^\d{6}$/);
  });

  it('on Cancel sends a verifiable refusal and returns the browser to the KO page', async () => {
    received.length = 0;
    const { path } = newPayment('2601SBX00003');
    const res = await app.inject({ method: 'POST', url: path, payload: 'decision=cancel', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.headers.location).toBe('/pagos/ko');
    expect(gateway.verifyNotification(received[0])).toMatchObject({ orderId: '2601SBX00003', isAuthorised: false, responseCode: '9915' });
  });

  it('rejects a page id whose amount was tampered with', async () => {
    const { token } = newPayment('2601SBX00004');
    const [body, mac] = token.split('.');
    const payment = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payment, amountCents: 1 })).toString('base64url');
    const res = await app.inject({ url: `/payments/sandbox/2601SBX00004?p=${forged}.${mac ?? ''}` });
    expect(res.statusCode).toBe(404);
    // A genuine token does not open another order's page either.
    const { token: other } = newPayment('2601SBX00007');
    expect((await app.inject({ url: `/payments/sandbox/2601SBX00004?p=${other}` })).statusCode).toBe(404);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'gateway.sandbox_not_found' } });
  });

  it('rejects notifications signed with another key, so a sandbox notification cannot pay through another deployment', () => {
    const other = new SandboxGateway({ secret: 'another-secret-another-secret-another-9', publicUrl: 'http://x' });
    const payment = gateway.openPayment(newPayment('2601SBX00005').token);
    const fields = gateway.notificationFor(payment, true);
    expect(gateway.verifyNotification(fields).isAuthorised).toBe(true);
    expect(() => other.verifyNotification(fields)).toThrow(expect.objectContaining({ code: 'gateway.invalid_notification' }));
  });

  it('expires payment pages', () => {
    let now = Date.now();
    const gw = new SandboxGateway({ secret: 'test-secret-test-secret-test-secret-1234', publicUrl: 'http://x', ttlMs: 1000, now: () => now });
    const id = gw.createPayment({ orderId: '2601SBX00006', amountCents: 100, description: 'x', urlOk: 'a', urlKo: 'b', notifyUrl: 'c' }).redirectForm.fields.p ?? '';
    expect(gw.openPayment(id).orderId).toBe('2601SBX00006');
    now += 2000;
    expect(() => gw.openPayment(id)).toThrow(expect.objectContaining({ status: 404 }));
  });
});
