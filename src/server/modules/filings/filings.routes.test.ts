/**
 * POST /api/v1/filings over HTTP: fields limited in characters and refused (never cut) when too long, every upload
 * limit answered at once with its own translated code, over a real socket too; Idempotency-Key; downloads named
 * after the sniffed type; the demo citizen's own filings.
 */
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { seedDemoRegisters } from '../../demo/demo-seed.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from '../identity/index.ts';
import { TINY_PNG, tinyPdf } from '../../testing/files.ts';

interface ErrorBody {
  error: { code: string; message: string };
}
interface FilingBody {
  id: string;
  registryNumber: string;
  body: string;
  receiptCode: string | null;
  attachments: { id: string; fileName: string; mimeType: string }[];
}

let ta: TestApp;
let maria: Record<string, string>;
let port = 0;

async function signIn(card: string, pin: string): Promise<Record<string, string>> {
  const res = await ta.app.inject({ method: 'POST', url: '/api/v1/auth/card', headers: { 'x-tenant': 'alacant' }, payload: { card, pin } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  return { 'x-tenant': 'alacant', cookie: `${SESSION_COOKIE}=${cookie?.value ?? ''}`, [CSRF_HEADER]: res.json<{ csrfToken: string }>().csrfToken };
}

type Part = [name: string, value: string] | { file: string; data: Buffer; type?: string };
function form(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----vtfilings' + Math.random().toString(16).slice(2);
  const out: Buffer[] = [];
  for (const p of parts) {
    if (Array.isArray(p)) out.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p[0]}"\r\n\r\n${p[1]}\r\n`));
    else out.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="${p.file}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`), p.data, Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(out), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const fields = (body: string, subject = 'Solicitud de prueba'): Part[] => [
  ['subject', subject],
  ['departmentId', 'registro-general'],
  ['body', body],
];

const post = (parts: Part[], extra: Record<string, string> = {}) => {
  const f = form(parts);
  return ta.app.inject({ method: 'POST', url: '/api/v1/filings', headers: { ...maria, ...f.headers, ...extra }, payload: f.payload });
};

beforeAll(async () => {
  ta = await createTestApp();
  await seedDemoIdentities(ta.t.db);
  await seedDemoRegisters(ta.t.db, ta.t.tenants.map((t) => t.profile));
  maria = await signIn('4000000000000001', '1234');
  await ta.app.listen({ port: 0, host: '127.0.0.1' });
  port = (ta.app.server.address() as AddressInfo).port;
}, 120_000);
afterAll(async () => {
  ta.app.server.closeAllConnections();
  await ta.close();
});

describe('MEDIUM-3: no silent truncation, specific upload errors', () => {
  it('MEDIUM-3: a body of 17,000 "€" (51 KB of UTF-8, under the 20,000-character limit) is stored whole', async () => {
    const text = '€'.repeat(17_000);
    const res = await post(fields(text));
    expect(res.statusCode).toBe(201);
    const id = res.json<FilingBody>().id;
    const stored = await ta.app.inject({ method: 'GET', url: `/api/v1/filings/${id}`, headers: maria });
    expect(stored.json<FilingBody>().body).toBe(text);
    const row = await ta.t.db.query<{ n: number }>(`SELECT char_length(body) AS n FROM filings WHERE id = $1`, [id]);
    expect(Number(row.rows[0]?.n)).toBe(17_000);
  }, 60_000);

  it('MEDIUM-3: a field over its character limit, or over the bytes kept of a field, is refused with 413 naming the field, in the citizen language', async () => {
    const filingsBefore = await ta.t.db.query(`SELECT id FROM filings`);
    const long = await post(fields('a'.repeat(20_001)), { 'accept-language': 'ca' });
    expect(long.statusCode).toBe(413);
    expect(long.json<ErrorBody>().error).toEqual({ code: 'filings.field_too_long', message: 'El text de la sol·licitud supera els 20.000 caràcters permesos. No s\'ha registrat res.' });
    // 30,000 "€" is 90,000 bytes: more than busboy keeps of a field, so it arrives cut; refused, never stored cut.
    const cut = await post(fields('€'.repeat(30_000)), { 'accept-language': 'en' });
    expect(cut.statusCode).toBe(413);
    expect(cut.json<ErrorBody>().error).toEqual({ code: 'filings.field_too_long', message: 'The text of the application is longer than the 20,000 characters allowed. Nothing was registered.' });
    const subject = await post(fields('texto', 's'.repeat(201)), { 'accept-language': 'es' });
    expect(subject.json<ErrorBody>().error).toEqual({ code: 'filings.field_too_long', message: 'El asunto supera los 200 caracteres permitidos. No se ha registrado nada.' });
    expect((await ta.t.db.query(`SELECT id FROM filings`)).rows).toHaveLength(filingsBefore.rows.length);
  }, 60_000);

  it('MEDIUM-3: an 11 MB file, six files and eleven fields each get their own translated 413', async () => {
    const big = await post([...fields('texto'), { file: 'plano-grande.pdf', data: Buffer.concat([await tinyPdf(), Buffer.alloc(11 * 1_048_576)]) }], { 'accept-language': 'es' });
    expect(big.statusCode).toBe(413);
    expect(big.json<ErrorBody>().error).toEqual({ code: 'filings.file_too_large', message: 'El documento «plano-grande.pdf» supera los 10 MB permitidos.' });
    const six = await post([...fields('texto'), ...Array.from({ length: 6 }, (_, i) => ({ file: `foto${i}.png`, data: TINY_PNG }))], { 'accept-language': 'en' });
    expect(six.statusCode).toBe(413);
    expect(six.json<ErrorBody>().error).toEqual({ code: 'filings.too_many_files', message: 'You can attach at most 5 documents.' });
    const eleven = await post([...fields('texto'), ...Array.from({ length: 8 }, (_, i): Part => [`extra${i}`, 'x'])], { 'accept-language': 'ca' });
    expect(eleven.statusCode).toBe(413);
    expect(eleven.json<ErrorBody>().error).toEqual({ code: 'filings.too_many_fields', message: "El formulari porta massa camps (com a màxim 10). No s'ha registrat res." });
  }, 60_000);

  /** One request over a kept-alive connection with no `Expect: 100-continue`, as curl, Python and browsers send it. */
  function send(agent: Agent, method: string, path: string, body?: { payload: Buffer; headers: Record<string, string> }): Promise<{ status: number; ms: number; json: unknown }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, agent, method, path, headers: { ...maria, ...body?.headers, ...(body ? { 'content-length': String(body.payload.length) } : {}) } }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started, json: JSON.parse(data) as unknown }));
      });
      req.setTimeout(5_000, () => req.destroy(new Error(`no answer in 5 s to ${method} ${path}`)));
      req.on('error', reject);
      req.end(body?.payload);
    });
  }

  it('MEDIUM-3: a request over a limit is answered at once over a real socket, and the kept-alive connection then serves the next request', async () => {
    const cases: [string, Part[], string][] = [
      ['field over the bytes kept', fields('€'.repeat(40_000)), 'filings.field_too_long'],
      ['long fields with 2 MB of file still to come', [...fields('texto'), ...Array.from({ length: 6 }, (_, i): Part => [`extra${i}`, 'y'.repeat(100_000)]), { file: 'late.png', data: Buffer.concat([TINY_PNG, Buffer.alloc(2_000_000)]) }], 'filings.field_too_long'],
      ['six files of 1 MB', [...fields('texto'), ...Array.from({ length: 6 }, (_, i) => ({ file: `f${i}.png`, data: Buffer.concat([TINY_PNG, Buffer.alloc(1_048_576)]) }))], 'filings.too_many_files'],
      ['eleven fields with a file after them', [...fields('texto'), ...Array.from({ length: 8 }, (_, i): Part => [`extra${i}`, 'x'.repeat(10_000)]), { file: 'late.png', data: Buffer.concat([TINY_PNG, Buffer.alloc(2_000_000)]) }], 'filings.too_many_fields'],
      ['a file of 11 MB', [...fields('texto'), { file: 'big.pdf', data: Buffer.alloc(11 * 1_048_576) }], 'filings.file_too_large'],
    ];
    // One connection for everything, as a browser or a kiosk keeps it: nothing of a refused body may be left in
    // front of the next request.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const [what, parts, code] of cases) {
        const over = await send(agent, 'POST', '/api/v1/filings', form(parts));
        expect({ what, status: over.status, code: (over.json as ErrorBody).error.code }).toEqual({ what, status: 413, code });
        expect(over.ms).toBeLessThan(5_000);
        const next = await send(agent, 'GET', '/api/v1/filings');
        expect({ what, status: next.status }).toEqual({ what, status: 200 });
      }
    } finally {
      agent.destroy();
    }
  }, 120_000);

  it('MEDIUM-3: fetch (undici) gets the 413 for a body over the file limit without waiting', async () => {
    const f = form([...fields('texto'), ...Array.from({ length: 6 }, (_, i) => ({ file: `f${i}.png`, data: Buffer.concat([TINY_PNG, Buffer.alloc(1_048_576)]) }))]);
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/filings`, { method: 'POST', headers: { ...maria, ...f.headers }, body: new Uint8Array(f.payload), signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error.code).toBe('filings.too_many_files');
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 30_000);
});

describe('HIGH-2: Idempotency-Key on POST /api/v1/filings', () => {
  it('HIGH-2: a retry with the same Idempotency-Key answers 200 with the first filing; other content under that key is a translated 409', async () => {
    const parts = [...fields('Solicito copia del expediente.'), { file: 'plano.pdf', data: await tinyPdf() }];
    const first = await post(parts, { 'idempotency-key': 'kiosk-tap-7' });
    expect(first.statusCode).toBe(201);
    const again = await post(parts, { 'idempotency-key': 'kiosk-tap-7' });
    expect(again.statusCode).toBe(200);
    expect(again.json<FilingBody>()).toMatchObject({ id: first.json<FilingBody>().id, registryNumber: first.json<FilingBody>().registryNumber });
    const other = await post(fields('Otra cosa distinta.'), { 'idempotency-key': 'kiosk-tap-7', 'accept-language': 'en' });
    expect(other.statusCode).toBe(409);
    expect(other.json<ErrorBody>().error).toEqual({
      code: 'filings.idempotency_mismatch',
      message: 'This retry key (Idempotency-Key) was already used for another application with different content. Nothing new was registered.',
    });
    const rows = await ta.t.db.query(`SELECT id FROM filings WHERE idempotency_key = 'kiosk-tap-7'`);
    expect(rows.rows).toHaveLength(1);
    const bad = await post(fields('texto'), { 'idempotency-key': 'x'.repeat(201) });
    expect(bad.json<ErrorBody>().error.code).toBe('filings.invalid_idempotency_key');
  }, 60_000);
});

describe('LOW-6: attachment names and downloads', () => {
  it('LOW-6: a PDF named page.html is stored and downloaded as page.pdf, a bidi-override name loses the override, and Memòria.pdf keeps its ò (RFC 6266/5987)', async () => {
    const pdf = await tinyPdf();
    const res = await post([...fields('Adjuntos con nombres raros'), { file: 'page.html', data: pdf, type: 'text/html' }, { file: '../../../etc/\u202Efdp.exe', data: pdf }, { file: 'Memòria.pdf', data: pdf }]);
    expect(res.statusCode).toBe(201);
    const f = res.json<FilingBody>();
    expect(f.attachments.map((a) => a.fileName).sort()).toEqual(['Memòria.pdf', 'fdp.pdf', 'page.pdf']);
    const disposition = async (name: string) => {
      const a = f.attachments.find((x) => x.fileName === name);
      const dl = await ta.app.inject({ method: 'GET', url: `/api/v1/filings/${f.id}/attachments/${a?.id ?? ''}`, headers: maria });
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['content-type']).toBe('application/pdf');
      return dl.headers['content-disposition'];
    };
    expect(await disposition('page.pdf')).toBe(`attachment; filename="page.pdf"; filename*=UTF-8''page.pdf`);
    expect(await disposition('Memòria.pdf')).toBe(`attachment; filename="Memoria.pdf"; filename*=UTF-8''Mem%C3%B2ria.pdf`);
    expect(await disposition('fdp.pdf')).toBe(`attachment; filename="fdp.pdf"; filename*=UTF-8''fdp.pdf`);
    const receipt = await ta.app.inject({ method: 'GET', url: `/api/v1/filings/${f.id}/receipt`, headers: maria });
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers['content-disposition']).toMatch(/^inline; filename="[^"]+\.pdf"; filename\*=UTF-8''\S+\.pdf$/);
  }, 60_000);
});

describe('LOW-8: demo filings', () => {
  it('LOW-8: the demo citizen lists her filings and opens each one, and its receipt, with 200', async () => {
    const list = await ta.app.inject({ method: 'GET', url: '/api/v1/filings', headers: maria });
    const filings = list.json<{ filings: FilingBody[] }>().filings;
    const demo = await ta.t.db.query<{ id: string }>(`SELECT id FROM filings WHERE tenant_id = 'alacant' AND dni = '12345678Z' AND subject = 'Solicitud de ejemplo (demo)'`);
    expect(demo.rows).toHaveLength(1);
    expect(filings.map((f) => f.id)).toContain(demo.rows[0]?.id);
    for (const f of filings) {
      expect(f.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const one = await ta.app.inject({ method: 'GET', url: `/api/v1/filings/${f.id}`, headers: maria });
      expect({ id: f.id, status: one.statusCode }).toEqual({ id: f.id, status: 200 });
      const receipt = await ta.app.inject({ method: 'GET', url: `/api/v1/filings/${f.id}/receipt`, headers: maria });
      expect({ id: f.id, status: receipt.statusCode, type: receipt.headers['content-type'] }).toEqual({ id: f.id, status: 200, type: 'application/pdf' });
    }
  }, 120_000);
});
