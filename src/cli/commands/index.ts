import type { Command } from 'commander';
import { registerCoreCommands } from './core.ts';

/** Each domain adds its subcommands with one line here. */
export function registerCommands(program: Command): void {
  registerCoreCommands(program);
}
