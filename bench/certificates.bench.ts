/**
 * Padrón certificate generation + PAdES sealing, and the full issue path (render, seal, store in the database).
 * Prints p50/p95/max in milliseconds; never asserts timings. Run: npx tsx bench/certificates.bench.ts [iterations]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CertificatesRepository } from '../src/server/modules/certificates/certificates.repository.ts';
import { CertificatesService } from '../src/server/modules/certificates/certificates.service.ts';
import { sampleHousehold } from '../src/server/modules/certificates/certificates.test-support.ts';
import { renderPadronCertificate } from '../src/server/modules/certificates/padron-certificate.renderer.ts';
import { createSealProvider } from '../src/server/modules/certificates/seal-provider.ts';
import { createTestDb } from '../src/server/testing/test-db.ts';

const iterations = Number(process.argv[2] ?? 200);

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0).toFixed(1);
  return `p50 ${q(0.5)} ms  p95 ${q(0.95)} ms  max ${q(1)} ms  (n=${s.length})`;
}

async function main(): Promise<void> {
  const tdb = await createTestDb();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vt-bench-'));
  try {
    const council = tdb.tenants.find((t) => t.profile.id === 'alacant') ?? tdb.tenants[0];
    if (!council) throw new Error('no council');
    const seals = createSealProvider(dataDir);
    const t0 = performance.now();
    const seal = seals(council.profile.id);
    console.log(`seal load/generate (first time, demo): ${(performance.now() - t0).toFixed(0)} ms`);
    const service = new CertificatesService({ repository: new CertificatesRepository(tdb.db), tenants: { loaded: () => council }, seals, publicUrl: 'http://localhost:3000', dataDir });

    for (const kind of ['individual', 'collective'] as const) {
      const data = sampleHousehold(council, kind, 'es');
      // Warm-up: JIT, font metrics, i18n.
      for (let i = 0; i < 10; i++) await renderPadronCertificate(data, { council, language: 'es', code: 'BENCHBENCHBENCHBENCH', verifyUrl: 'http://localhost:3000/verify/BENCHBENCHBENCHBENCH', issuedAt: new Date(), seal });
      const render: number[] = [];
      let bytes = 0;
      for (let i = 0; i < iterations; i++) {
        const s = performance.now();
        const pdf = await renderPadronCertificate(data, { council, language: 'es', code: 'BENCHBENCHBENCHBENCH', verifyUrl: 'http://localhost:3000/verify/BENCHBENCHBENCHBENCH', issuedAt: new Date(), seal });
        render.push(performance.now() - s);
        bytes = pdf.length;
      }
      console.log(`${kind}: render + seal              ${stats(render)}  size ${(bytes / 1024).toFixed(1)} KB`);
      const issue: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const s = performance.now();
        await service.issuePadronCertificate(data);
        issue.push(performance.now() - s);
      }
      console.log(`${kind}: issue (render+seal+store, ${tdb.db.kind}) ${stats(issue)}`);
    }
  } finally {
    await tdb.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
