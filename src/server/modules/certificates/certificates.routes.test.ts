import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { CertificatesRepository } from './certificates.repository.ts';
import { CertificatesService, type IssuedDocument } from './certificates.service.ts';
import { sampleHousehold } from './certificates.test-support.ts';
import { createSealProvider } from './seal-provider.ts';

let ta: TestApp;
let doc: IssuedDocument;

beforeAll(async () => {
  ta = await createTestApp();
  const byId = new Map(ta.t.tenants.map((t) => [t.profile.id, t]));
  // The same database and DATA_DIR as the app: what one service issues, the app's /verify must find.
  const service = new CertificatesService({
    repository: new CertificatesRepository(ta.t.db),
    tenants: { loaded: (id) => byId.get(id) },
    seals: createSealProvider(ta.dataDir),
    publicUrl: 'http://localhost:3000',
    dataDir: ta.dataDir,
  });
  const alacant = byId.get('alacant');
  if (!alacant) throw new Error('no alacant');
  doc = await service.issuePadronCertificate(sampleHousehold(alacant, 'individual'));
}, 30_000);

afterAll(async () => {
  await ta.close();
});

describe('GET /verify', () => {
  it('says the document is authentic in the request language and links to the original', async () => {
    const res = await ta.app.inject({ url: `/verify/${doc.code}`, headers: { 'accept-language': 'ca' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<html lang="ca">');
    expect(res.body).toContain('El document és autèntic');
    expect(res.body).toContain(`href="${doc.code}/pdf"`);
    expect(res.body).toContain(doc.sha256);
    expect(res.body).not.toContain('<script');
    // The page names the council, not the citizen.
    expect(res.body).not.toContain('12345678Z');
  });

  it('serves the original signed PDF byte for byte', async () => {
    const res = await ta.app.inject({ url: `/verify/${doc.displayCode}/pdf` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['cache-control']).toContain('no-store');
    expect(Buffer.compare(res.rawPayload, doc.pdf)).toBe(0);
  });

  it('answers unknown and malformed codes alike with a 404 page in English when asked', async () => {
    const unknown = await ta.app.inject({ url: '/verify/0000-0000-0000-0000-0000', headers: { 'accept-language': 'en' } });
    const malformed = await ta.app.inject({ url: '/verify/abc', headers: { 'accept-language': 'en' } });
    expect(unknown.statusCode).toBe(404);
    expect(malformed.statusCode).toBe(404);
    expect(unknown.body).toBe(malformed.body);
    expect(unknown.body).toContain('No document was found');
    const pdf = await ta.app.inject({ url: '/verify/0000-0000-0000-0000-0000/pdf' });
    expect(pdf.statusCode).toBe(404);
    expect(pdf.json()).toMatchObject({ error: { code: 'certificates.not_found' } });
  });

  it('sends the form on /verify?code= to the canonical page', async () => {
    const res = await ta.app.inject({ url: `/verify?code=${encodeURIComponent(doc.displayCode.toLowerCase())}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/verify/${doc.code}`);
    const form = await ta.app.inject({ url: '/verify' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<label for="code">');
  });
});
