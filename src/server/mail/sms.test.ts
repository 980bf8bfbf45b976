import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact } from '../modules/moderation/index.ts';
import { createHttpSmsSender } from './sms.ts';

describe('the HTTP SMS sender', () => {
  let server: Server;
  let url = '';
  let status = 202;
  const received: { method: string | undefined; path: string | undefined; headers: IncomingHttpHeaders; body: unknown }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method, path: req.url, headers: req.headers, body: JSON.parse(raw) as unknown });
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"id":"m1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the number, the text and the sender as JSON with the bearer token', async () => {
    await createHttpSmsSender({ url, token: 'sms-token-1', from: 'Alacant' }).send('+34600111222', 'Alacant: ya puede pagar IBI (312,50 €).');
    expect(received.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      headers: { authorization: 'Bearer sms-token-1', 'content-type': 'application/json' },
      body: { to: '+34600111222', text: 'Alacant: ya puede pagar IBI (312,50 €).', from: 'Alacant' },
    });
  });

  it('sends no Authorization header or sender when none is configured', async () => {
    await createHttpSmsSender({ url }).send('+447700900123', 'hi');
    const last = received.at(-1);
    expect(last?.headers.authorization).toBeUndefined();
    expect(last?.body).toEqual({ to: '+447700900123', text: 'hi' });
  });

  it('fails on a refusal with an error that names the status but not the number or the text', async () => {
    status = 503;
    try {
      const err = await createHttpSmsSender({ url, token: 't' }).send('+34600111222', 'secret text').then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message).toBe('SMS provider: HTTP 503');
      expect(err?.message).not.toContain('600111222');
      // Should a number reach a log line anyway, the app logger's redaction removes E.164 numbers, Spanish or not.
      expect(redact('reminder to +34600111222 and +447700900123 failed').text).toBe('reminder to [PHONE] and [PHONE] failed');
    } finally {
      status = 202;
    }
  });
});
