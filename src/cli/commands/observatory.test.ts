import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boot } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import { ObservatoryService } from '../../server/modules/observatory/index.ts';
import { cli } from '../cli.test-support.ts';

// The real command on the embedded database (DATABASE_URL blanked): the PostgreSQL pass would only repeat it.
describe.skipIf(Boolean(process.env.DATABASE_URL))('ventanilla observatory allow-domain', () => {
  it('restricts a council to its e-mail domains, so registering with another domain is refused', async () => {
    const env = { DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'vt-obs-cli-')), DATABASE_URL: '', LOG_LEVEL: 'warn' };
    // The gazetteer first: the allow-list names a council by its INE code.
    const booted = await boot(loadConfig({ ...process.env, ...env }));
    try {
      await new ObservatoryService({ db: booted.db }).ensureMunicipalities();
    } finally {
      await booted.db.close();
    }

    const allowed = await cli(['observatory', 'allow-domain', '03065', '@Elche.ES'], env);
    expect(allowed.stderr).toBe('');
    expect(JSON.parse(allowed.stdout)).toEqual({ ine5: '03065', domains: ['elche.es'] });
    await cli(['observatory', 'allow-domain', '03065', 'ayto-elche.es'], env);
    expect(JSON.parse((await cli(['observatory', 'domains', '03065'], env)).stdout)).toEqual({ ine5: '03065', domains: ['ayto-elche.es', 'elche.es'] });
    const bad = await cli(['observatory', 'allow-domain', '03065', 'not a domain'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('observatory.invalid_domain');
    const removed = await cli(['observatory', 'disallow-domain', '03065', 'ayto-elche.es'], env);
    expect(JSON.parse(removed.stdout)).toEqual({ ine5: '03065', domains: ['elche.es'], removed: true });

    const again = await boot(loadConfig({ ...process.env, ...env }));
    try {
      const svc = new ObservatoryService({ db: again.db });
      await expect(svc.register({ email: 'x@gmail.com', password: 'a long passphrase', displayName: 'X', language: 'es', ine5: '03065' }))
        .rejects.toMatchObject({ code: 'observatory.domain_not_allowed', status: 403 });
      await expect(svc.register({ email: 'y@ayto-elche.es', password: 'a long passphrase', displayName: 'Y', language: 'es', ine5: '03065' }))
        .rejects.toMatchObject({ code: 'observatory.domain_not_allowed' });
      const ok = await svc.register({ email: 'tec@sede.elche.es', password: 'a long passphrase', displayName: 'Tec', language: 'es', ine5: '03065' });
      expect(ok.account.ine5).toBe('03065');
      // Another council without a list still takes any address.
      await expect(svc.allowDomain({ kind: 'system' }, '99999', 'elche.es')).rejects.toMatchObject({ code: 'observatory.unknown_municipality' });
      expect((await svc.register({ email: 'z@gmail.com', password: 'a long passphrase', displayName: 'Z', language: 'es', ine5: '47086' })).account.ine5).toBe('47086');
    } finally {
      await again.db.close();
    }
  }, 180_000);
});
