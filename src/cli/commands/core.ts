import type { Command } from 'commander';
import { boot } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import { serve } from '../../server/main.ts';
import { loadTenantFile } from '../../server/modules/tenants/index.ts';

/** serve, migrate and tenant validate. */
export function registerCoreCommands(program: Command): void {
  program
    .command('serve')
    .description('Serve every council in TENANTS_DIR over HTTP (migrates the database first)')
    .action(async () => {
      await serve(loadConfig());
    });

  program
    .command('migrate')
    .description('Apply pending database migrations and mirror the council profiles, then exit')
    .action(async () => {
      const booted = await boot(loadConfig());
      await booted.db.close();
      process.stdout.write(
        booted.migrationsApplied.length
          ? `Applied ${booted.migrationsApplied.length} migration(s): ${booted.migrationsApplied.join(', ')}\n`
          : 'The database is up to date.\n',
      );
    });

  const tenant = program.command('tenant').description('Council profiles');
  tenant
    .command('validate')
    .argument('<file>', 'a profile file (.yaml, .yml or .json)')
    .description('Check a council profile against the schema; prints the problems with their field paths')
    .action((file: string) => {
      const t = loadTenantFile(file);
      process.stdout.write(`${t.file}: valid profile for "${t.profile.id}" (${t.profile.languages.join(', ')})\n`);
    });
}
