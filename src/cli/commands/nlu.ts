import type { Command } from 'commander';
import { isLanguage } from '../../shared/languages.ts';
import { boot } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import { createNluModule, NluService, nluCliEval, nluCliParse, nluCliTrain } from '../../server/modules/nlu/index.ts';
import { TenantRegistry, loadTenantsDir } from '../../server/modules/tenants/index.ts';

/** nlu parse | train | eval. parse and eval need no database; train with --tenant stores a model version. */
export function registerNluCommands(program: Command): void {
  const nlu = program.command('nlu').description('Language understanding: parse a message, retrain, evaluate');
  const offline = () => new NluService({ tenants: new TenantRegistry(loadTenantsDir(loadConfig().tenantsDir)) });

  nlu
    .command('parse')
    .argument('<text>', 'what a citizen wrote')
    .option('--tenant <id>', 'the council (its offices, time zone and own intents)')
    .option('--lang <lang>', 'force the language: es, ca or en')
    .description('Print language, intent, alternatives and entities as JSON (same as POST /api/v1/nlu/parse)')
    .action((text: string, opts: { tenant?: string; lang?: string }) => {
      process.stdout.write(nluCliParse(offline(), text, { tenant: opts.tenant, lang: isLanguage(opts.lang) ? opts.lang : undefined }));
    });

  nlu
    .command('train')
    .option('--tenant <id>', "retrain this council's model with its staff phrases and store the version")
    .description('Retrain from data/nlu (and the council profile and staff phrases) and print the evaluation')
    .action(async (opts: { tenant?: string }) => {
      if (!opts.tenant) {
        process.stdout.write(await nluCliTrain(offline()));
        return;
      }
      const booted = await boot(loadConfig());
      try {
        const service = createNluModule({ db: booted.db, tenants: new TenantRegistry(booted.tenants) }).service;
        process.stdout.write(await nluCliTrain(service, { tenant: opts.tenant }));
      } finally {
        await booted.db.close();
      }
    });

  nlu
    .command('eval')
    .option('--tenant <id>', "evaluate this council's model (with its own intents)")
    .option('--json', 'print the full report as JSON')
    .description('Held-out split and independent set: accuracy and macro-F1 per language, confusion matrix')
    .action((opts: { tenant?: string; json?: boolean }) => {
      process.stdout.write(nluCliEval(offline(), { tenant: opts.tenant, json: opts.json === true }));
    });
}
