import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonClient, HttpJsonError, isPermanentStatus } from './http-json.ts';

describe('the JSON HTTP client of the connectors', () => {
  let server: Server;
  let base = '';
  const seen: string[] = [];
  // What the fake system answers next: status and body text.
  let next: [number, string] = [200, '{}'];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? '-'} key=${String(req.headers['idempotency-key'] ?? '-')} ${raw}`);
        if (req.url?.startsWith('/slow')) return void setTimeout(() => res.writeHead(200).end('{}'), 500);
        res.writeHead(next[0], { 'content-type': 'application/json' }).end(next[1]);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (timeoutMs = 2000) => createJsonClient({ baseUrl: `${base}//`, token: 'tok', timeoutMs, label: 'test REST' });

  it('joins the base URL without doubled slashes, encodes the query and sends the token, the key and the JSON body', async () => {
    next = [201, '{"ref":"R-1"}'];
    const answer = await client().send('items', '/items', { method: 'POST', query: { tenant: 'alacant', q: 'a b&c' }, idempotencyKey: 'k-1', body: { n: 1 } });
    expect(answer).toEqual({ status: 201, ok: true, text: '{"ref":"R-1"}' });
    expect(seen.at(-1)).toBe('POST /items?tenant=alacant&q=a+b%26c auth=Bearer tok key=k-1 {"n":1}');
    expect(client().parse('items', answer, z.object({ ref: z.string() }))).toEqual({ ref: 'R-1' });
  });

  it('calls a refusing 4xx permanent and an outage, a throttle or a rotated token temporary, with the status', async () => {
    expect([400, 404, 409, 422].map(isPermanentStatus)).toEqual([true, true, true, true]);
    expect([401, 403, 408, 425, 429, 500, 502, 503].map(isPermanentStatus)).toEqual(Array(8).fill(false));
    next = [422, '{"error":"unknown department"}'];
    const refused = client().refusal('items', await client().send('items', '/items'));
    expect(refused).toBeInstanceOf(HttpJsonError);
    expect(refused).toMatchObject({ message: 'test REST items: HTTP 422 {"error":"unknown department"}', status: 422, isPermanent: true });
    next = [503, 'down for +34600111222'];
    const down = client().refusal('', await client().send('', '/items'), { isBodyShown: false });
    expect(down).toMatchObject({ message: 'test REST: HTTP 503', status: 503, isPermanent: false });
  });

  it('reports a timeout, a body that is not JSON and a body that breaks the contract as temporary', async () => {
    const timedOut = await client(100).send('slow', '/slow').then(() => undefined, (err: unknown) => err);
    expect(timedOut).toMatchObject({ message: 'test REST slow: request failed', status: undefined, isPermanent: false });
    next = [200, '<html>maintenance</html>'];
    const answer = await client().send('items', '/items');
    expect(() => client().parse('items', answer, z.object({}))).toThrow(expect.objectContaining({ message: 'test REST items: invalid JSON (HTTP 200)', isPermanent: false }));
    expect(() => client().parse('items', { status: 200, ok: true, text: '{"ref":7}' }, z.object({ ref: z.string() }))).toThrow(
      expect.objectContaining({ message: 'test REST items: body does not match the contract', isPermanent: false }),
    );
    expect(client().parse('items', { status: 204, ok: true, text: '' }, z.object({ ref: z.string().optional() }), { isEmptyOk: true })).toEqual({});
    expect(client().tryParse(answer, z.object({}))).toBeUndefined();
  });
});
