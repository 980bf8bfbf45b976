import { Command } from 'commander';
import { ConfigError } from '../server/config.ts';
import { AppError } from '../server/errors.ts';
import { ConnectorConfigError } from '../server/modules/connectors/index.ts';
import { TenantProfileError } from '../server/modules/tenants/index.ts';
import { registerCommands } from './commands/index.ts';

/** Problems a person can fix get a plain message and exit code 1; anything else keeps its stack. */
export function reportFatal(err: unknown): never {
  if (err instanceof ConfigError || err instanceof TenantProfileError || err instanceof ConnectorConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else if (err instanceof AppError) {
    process.stderr.write(`${err.message === err.code ? err.code : `${err.message} (${err.code})`}\n`);
  } else {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('ventanilla')
    .description('Ventanilla: one front door for a city hall. Configuration comes from the environment (see README).')
    .showHelpAfterError()
    .enablePositionalOptions();
  registerCommands(program);
  return program;
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    reportFatal(err);
  }
}
