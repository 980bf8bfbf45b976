import type { Command } from 'commander';
import { registerCoreCommands } from './core.ts';
import { registerIdentityCommands } from './identity.ts';
import { registerNluCommands } from './nlu.ts';

/** Each domain adds its subcommands with one line here. */
export function registerCommands(program: Command): void {
  registerCoreCommands(program);
  registerIdentityCommands(program);
  registerNluCommands(program);
}
