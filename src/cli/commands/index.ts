import type { Command } from 'commander';
import { registerCoreCommands } from './core.ts';
import { registerNluCommands } from './nlu.ts';

/** Each domain adds its subcommands with one line here. */
export function registerCommands(program: Command): void {
  registerCoreCommands(program);
  registerNluCommands(program);
}
