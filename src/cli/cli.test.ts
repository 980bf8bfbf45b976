import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../server/app.ts';
import { openPglite } from '../server/db/pglite.ts';
import { runPoppler } from '../server/testing/poppler.ts';
import { refusedPayment } from '../server/testing/payments.ts';
import { BIN, cli } from './cli.test-support.ts';

// These run the real command in a child process on the embedded database (DATABASE_URL is blanked where a database
// is opened), so the suite's second pass on PostgreSQL would only repeat them: it skips them.
describe.skipIf(Boolean(process.env.DATABASE_URL))('the ventanilla command', () => {
  it('validates a good profile and explains a broken one with file, field and problem', async () => {
    const ok = await cli(['tenant', 'validate', 'tenants/medina-rioseco.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid profile for "medina-rioseco"');

    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-cli-'));
    const bad = path.join(dir, 'medina-rioseco.yaml');
    writeFileSync(bad, readFileSync(path.join(ROOT_DIR, 'tenants/medina-rioseco.yaml'), 'utf8').replace('defaultLanguage: es', 'defaultLanguage: ca'));
    const res = await cli(['tenant', 'validate', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(bad);
    expect(res.stderr).toContain('defaultLanguage: must be one of the enabled languages (es, en)');
  });

  it('refuses to start with a broken profile in TENANTS_DIR and says which one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-cli-'));
    cpSync(path.join(ROOT_DIR, 'tenants'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'alacant.yaml'), readFileSync(path.join(dir, 'alacant.yaml'), 'utf8').replace('timeZone: Europe/Madrid', 'timeZone: Mars/Olympus'));
    const res = await cli(['migrate'], { TENANTS_DIR: dir, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'vt-data-')), DATABASE_URL: '' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(path.join(dir, 'alacant.yaml'));
    expect(res.stderr).toContain('timeZone: must be an IANA time zone');
  });

  it('refuses a bad environment variable by name', async () => {
    const res = await cli(['migrate'], { PORT: '99999' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/PORT: /);
  });

  it('refuses a second process on the same embedded database instead of corrupting it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-lock-'));
    const env = { DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'info' };
    const first = await cli(['migrate'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ migration/);
    // Hold the database open with a running server, then try a second process.
    const server = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env }, cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('server did not start')), 60_000);
        server.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('Ventanilla serving')) {
            clearTimeout(timer);
            resolve();
          }
        });
        server.on('exit', () => reject(new Error('server exited')));
      });
      const second = await cli(['migrate'], env);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('is in use by another process');
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    const again = await cli(['migrate'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('up to date');
  }, 120_000);

  it('lists the demo citizens as JSON and issues a sealed collective certificate to a file, audited', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-cert-cli-'));
    const env = { DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
    const demo = await cli(['demo', 'citizens'], env);
    expect(demo.code).toBe(0);
    const citizens = JSON.parse(demo.stdout) as { tenant: string; dni: string; name: string; card: string; pin: string; certificate: string }[];
    const maria = citizens.find((c) => c.dni === '12345678Z');
    expect(maria).toMatchObject({ tenant: 'alacant', name: 'María García López', certificatePassword: 'demo', card: expect.stringMatching(/^\d{16}$/), pin: expect.stringMatching(/^\d{4}$/) });
    expect(readFileSync(maria?.certificate ?? '').length).toBeGreaterThan(1000);

    const out = path.join(dataDir, 'collective.pdf');
    const issued = await cli(['certificate', 'issue', '--tenant', 'alacant', '--dni', '12345678Z', '--collective', '--lang', 'ca', '--out', out], env);
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    const meta = JSON.parse(issued.stdout) as { code: string; kind: string; language: string; out: string };
    expect(meta).toMatchObject({ language: 'ca', out });
    const pdf = readFileSync(out);
    expect(runPoppler('pdfsig', pdf)).toContain('Signature is Valid');
    expect(runPoppler('pdftotext', pdf)).toMatch(/col·lectiu/i);
    const db = await openPglite(dataDir);
    try {
      const row = await db.query<{ actor_type: string; channel: string; details: { via: string } }>(
        `SELECT actor_type, channel, details FROM audit_log WHERE action = 'certificates.issued' AND subject_id = $1`, [meta.code]);
      expect(row.rows).toEqual([expect.objectContaining({ actor_type: 'system', channel: 'system', details: expect.objectContaining({ via: 'cli' }) })]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('lists the deliveries a council refused and sends one again, refusing keys that are not failed', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-exports-cli-'));
    const env = { DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
    const empty = await cli(['exports', 'failed', '--tenant', 'alacant'], env);
    expect(empty.stderr).toBe('');
    expect(JSON.parse(empty.stdout)).toEqual({ filings: [], appointments: [], payments: [] });
    // A demo filing the council's registry refused (what the sender writes on a 422).
    let db = await openPglite(dataDir);
    const filingId = (await db.query<{ id: string }>(`SELECT id FROM filings WHERE tenant_id = 'alacant' ORDER BY registry_number LIMIT 1`)).rows[0]?.id ?? '';
    let payment: Awaited<ReturnType<typeof refusedPayment>> | undefined;
    try {
      await db.query(`INSERT INTO filing_exports (filing_id, tenant_id, status, attempts, last_error) VALUES ($1, 'alacant', 'failed', 1, 'HTTP 422: departmentId unknown')`, [filingId]);
      // And a payment the council's tax system refused (what the payments sender writes on a 422).
      payment = await refusedPayment(db, 'tax REST payments: HTTP 422 unknown reference');
    } finally {
      await db.close();
    }
    const listed = JSON.parse((await cli(['exports', 'failed', '--tenant', 'alacant'], env)).stdout) as { filings: { key: string; last_error: string }[]; payments: unknown[] };
    expect(listed.filings).toEqual([expect.objectContaining({ key: filingId, attempts: 1, last_error: 'HTTP 422: departmentId unknown' })]);
    if (!payment) throw new Error('no refused payment');
    expect(listed.payments).toEqual([
      { key: payment.id, attempts: 1, last_error: 'tax REST payments: HTTP 422 unknown reference', created_at: expect.any(String), about: { reference: payment.reference, order_id: payment.orderId, amount_cents: payment.amountCents } },
    ]);
    const retried = await cli(['exports', 'retry', '--tenant', 'alacant', 'filings', filingId], env);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toEqual({ outbox: 'filings', key: filingId, status: 'pending' });
    const again = await cli(['exports', 'retry', '--tenant', 'alacant', 'filings', filingId], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('connectors.export_not_failed');
    db = await openPglite(dataDir);
    try {
      expect((await db.query(`SELECT status FROM filing_exports WHERE filing_id = $1`, [filingId])).rows).toEqual([{ status: 'pending' }]);
      expect((await db.query(`SELECT actor_type FROM audit_log WHERE action = 'filing.export_requeued' AND subject_id = $1`, [filingId])).rows).toEqual([{ actor_type: 'system' }]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
