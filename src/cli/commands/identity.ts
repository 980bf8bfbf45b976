import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { boot } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import type { StaffRole } from '../../server/http-types.ts';
import { ensureCitizenCertificateFiles, IdentityService, readDemoIdentities, STAFF_ROLES } from '../../server/modules/identity/index.ts';

/** A subcommand group shared with other modules (e.g. `demo`), created once. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

/** The password from stdin when piped, else asked for without echo. */
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let data = '';
    for await (const chunk of process.stdin) data += String(chunk);
    return data.replace(/\r?\n$/, '');
  }
  process.stdout.write('Password: ');
  const rl = createInterface({ input: process.stdin, terminal: true });
  // Mute the echo: readline writes typed characters through _writeToOutput.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

/** `demo citizens` and `staff create`. */
export function registerIdentityCommands(program: Command): void {
  group(program, 'demo', 'Demo data')
    .command('citizens')
    .description('Print the demo citizens as JSON (DNI, name, card, PIN, certificate files), creating the certificate files if missing')
    .action(() => {
      const config = loadConfig();
      const demo = readDemoIdentities();
      const out = demo.citizens.map((c) => {
        const files = ensureCitizenCertificateFiles(config.dataDir, c);
        return {
          tenant: c.tenant,
          dni: c.dni,
          name: `${c.givenName} ${c.surname}`,
          card: c.card,
          pin: c.pin,
          certificate: files.p12File,
          certificatePassword: files.p12Password,
          certificatePem: files.certFile,
          keyPem: files.keyFile,
        };
      });
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });

  group(program, 'staff', 'Staff accounts')
    .command('create')
    .description('Create a staff account; the password is read from stdin (piped) or asked for')
    .requiredOption('--tenant <id>', 'the council')
    .requiredOption('--email <email>', 'sign-in e-mail')
    .requiredOption('--name <name>', 'name shown in the console')
    .requiredOption('--role <role...>', `one or more of ${STAFF_ROLES.join(', ')}`)
    .action(async (opts: { tenant: string; email: string; name: string; role: string[] }) => {
      const roles = opts.role.flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean);
      const bad = roles.filter((r) => !STAFF_ROLES.includes(r as StaffRole));
      if (bad.length) throw new Error(`unknown role(s): ${bad.join(', ')} (use ${STAFF_ROLES.join(', ')})`);
      const config = loadConfig();
      const booted = await boot(config);
      try {
        if (!booted.tenants.some((t) => t.profile.id === opts.tenant)) throw new Error(`unknown council "${opts.tenant}"`);
        const password = await readPassword();
        const service = new IdentityService({ db: booted.db, config });
        const { id } = await service.createStaff({ tenantId: opts.tenant, email: opts.email, name: opts.name, password, roles: roles as StaffRole[] });
        await service.audit({ tenantId: opts.tenant, actorType: 'system', action: 'identity.staff_created', subjectType: 'staff', subjectId: id, channel: 'cli', details: { roles } });
        process.stdout.write(`${JSON.stringify({ id, tenant: opts.tenant, email: opts.email.toLowerCase(), roles })}\n`);
      } finally {
        await booted.db.close();
      }
    });
}
