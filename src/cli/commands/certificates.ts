import type { Command } from 'commander';
import { isLanguage } from '../../shared/languages.ts';
import { boot } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import { createCertificatesModule, issueCertificateCommand, sealSourceFromEnv } from '../../server/modules/certificates/index.ts';
import { createConfiguredPadronConnector } from '../../server/modules/connectors/index.ts';
import { createEmbeddedPadronConnector, createPadronService } from '../../server/modules/padron/index.ts';
import { TenantRegistry } from '../../server/modules/tenants/index.ts';

/** `ventanilla certificate issue`: operators issue a sealed padrón certificate from the command line. */
export function registerCertificateCommands(program: Command): void {
  const certificate = program.command('certificate').description('Sealed padrón certificates');
  certificate
    .command('issue')
    .description('Issue a sealed padrón certificate (the same document citizens get) and write it to a file')
    .requiredOption('--tenant <id>', 'council id')
    .requiredOption('--dni <DNI>', "the inhabitant's DNI or NIE")
    .option('--collective', 'everyone registered at the same address', false)
    .option('--lang <lang>', 'es, ca or en (default: the council default)')
    .requiredOption('--out <file>', 'where to write the PDF')
    .action(async (opts: { tenant: string; dni: string; collective: boolean; lang?: string; out: string }) => {
      const config = loadConfig();
      const booted = await boot(config);
      let closeConnector: () => Promise<void> = () => Promise.resolve();
      try {
        const tenants = new TenantRegistry(booted.tenants);
        const certificates = createCertificatesModule({
          db: booted.db,
          tenants,
          publicUrl: config.PUBLIC_URL,
          dataDir: config.dataDir,
          sealSourceFor: (id) => sealSourceFromEnv(config.sealEnv, id),
        });
        // The council's own padrón, as its profile configures it (embedded, REST or RPA), like the server uses.
        const connector = createConfiguredPadronConnector(createEmbeddedPadronConnector(booted.db), tenants.list(), config.connectorEnv);
        closeConnector = () => connector.close();
        const padron = createPadronService({ db: booted.db, tenants, connector, certificates: certificates.service });
        const issued = await issueCertificateCommand(
          { tenantId: opts.tenant, dni: opts.dni, isCollective: opts.collective, out: opts.out, ...(isLanguage(opts.lang) ? { language: opts.lang } : {}) },
          { db: booted.db, service: certificates.service, tenants, padron },
        );
        process.stdout.write(`${JSON.stringify(issued, null, 2)}\n`);
      } finally {
        await closeConnector();
        await booted.db.close();
      }
    });
}
