import type { Command } from 'commander';
import { registerCertificateCommands } from './certificates.ts';
import { registerCoreCommands } from './core.ts';
import { registerExportsCommands } from './exports.ts';
import { registerIdentityCommands } from './identity.ts';
import { registerKnowledgeCommands } from './knowledge.ts';
import { registerNluCommands } from './nlu.ts';
import { registerObservatoryCommands } from './observatory.ts';

/** Each domain adds its subcommands with one line here. */
export function registerCommands(program: Command): void {
  registerCoreCommands(program);
  registerCertificateCommands(program);
  registerExportsCommands(program);
  registerIdentityCommands(program);
  registerKnowledgeCommands(program);
  registerNluCommands(program);
  registerObservatoryCommands(program);
}
