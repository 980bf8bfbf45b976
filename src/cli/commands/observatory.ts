import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { boot } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import { importIpsCases, ObservatoryService, ROLES, seedObservatory, type ObsRole } from '../../server/modules/observatory/index.ts';

/**
 * `observatory import-cases <csv>`, `seed`, `remind`, `role <email> <role>`, `sign-out <email>`,
 * `allow-domain <ine5> <domain>`, `domains <ine5>`, `disallow-domain <ine5> <domain>`.
 */
export function registerObservatoryCommands(program: Command): void {
  const obs = program.command('observatory').description('Observatory of local digital transformation');
  const withService = async (fn: (svc: ObservatoryService, db: Awaited<ReturnType<typeof boot>>['db']) => Promise<unknown>) => {
    const booted = await boot(loadConfig());
    try {
      const svc = new ObservatoryService({ db: booted.db });
      process.stdout.write(`${JSON.stringify(await fn(svc, booted.db), null, 2)}\n`);
    } finally {
      await booted.db.close();
    }
  };

  obs
    .command('import-cases')
    .argument('<csv>', 'the JRC Innovative Public Services Explorer cases.csv')
    .description('Import (or update) JRC IPS-X cases, idempotent by case id (credit: European Commission, JRC; EUPL-1.2)')
    .action((file: string) => withService((svc, db) => importIpsCases(db, svc, readFileSync(file, 'utf8'))));

  obs
    .command('seed')
    .description('Load the IGN/CNIG gazetteer, the Smart City 2.0 portfolio and the demo projects (idempotent)')
    .action(() => withService((svc, db) => seedObservatory(db, svc)));

  obs
    .command('remind')
    .description('Notify owners of published records not reviewed for a year')
    .action(() => withService(async (svc) => ({ reminders: await svc.remindStaleProjects() })));

  obs
    .command('role')
    .argument('<email>', "the officer's e-mail")
    .argument('<role>', `one of ${ROLES.join(', ')}`)
    .description('Give an observatory account a role')
    .action((email: string, role: string) =>
      withService(async (svc) => {
        if (!(ROLES as readonly string[]).includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
        await svc.setRoleByEmail({ kind: 'system' }, email, role as ObsRole);
        return { email, role };
      }),
    );

  obs
    .command('sign-out')
    .argument('<email>', "the officer's e-mail")
    .description('End every session of an observatory account (a lost device, a person who left)')
    .action((email: string) => withService(async (svc) => ({ email, sessionsEnded: await svc.endSessionsByEmail({ kind: 'system' }, email) })));

  obs
    .command('allow-domain')
    .argument('<ine5>', "the council's INE code (5 digits)")
    .argument('<domain>', 'an e-mail domain, e.g. elche.es (subdomains are allowed too)')
    .description("Accept officers' registrations for this council only from its e-mail domains")
    .action((ine5: string, domain: string) => withService((svc) => svc.allowDomain({ kind: 'system' }, ine5, domain)));

  obs
    .command('domains')
    .argument('<ine5>', "the council's INE code (5 digits)")
    .description("List the e-mail domains a council accepts for officers' registrations (none: any)")
    .action((ine5: string) => withService((svc) => svc.allowedDomains({ kind: 'system' }, ine5)));

  obs
    .command('disallow-domain')
    .argument('<ine5>', "the council's INE code (5 digits)")
    .argument('<domain>', 'the e-mail domain to take off the list')
    .description('Remove an e-mail domain from a council\'s list (removing the last one accepts any address again)')
    .action((ine5: string, domain: string) => withService((svc) => svc.disallowDomain({ kind: 'system' }, ine5, domain)));
}
