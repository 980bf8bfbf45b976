import type { Command } from 'commander';
import { boot } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import { appointmentExportOperations } from '../../server/modules/appointments/index.ts';
import { filingExportOperations } from '../../server/modules/filings/index.ts';
import { paymentExportOperations } from '../../server/modules/payments/index.ts';

/** The outboxes whose refusals a person settles: mirrored to a council's registry, calendar and tax system. */
const OUTBOXES = {
  filings: filingExportOperations,
  appointments: appointmentExportOperations,
  payments: paymentExportOperations,
} as const;
type OutboxName = keyof typeof OUTBOXES;
const isOutboxName = (s: string): s is OutboxName => Object.hasOwn(OUTBOXES, s);

/**
 * `exports failed --tenant <id>` and `exports retry --tenant <id> <filings|appointments|payments> <key>`: what a
 * council's registry, calendar or tax system refused for good (a 4xx), and sending one again once its cause is fixed.
 */
export function registerExportsCommands(program: Command): void {
  const exportsCmd = program.command('exports').description("Deliveries to a council's own registry, calendar and tax system (connectors: rest) refused for good");
  const withDb = async (fn: (db: Awaited<ReturnType<typeof boot>>['db']) => Promise<unknown>) => {
    const booted = await boot(loadConfig());
    try {
      process.stdout.write(`${JSON.stringify(await fn(booted.db), null, 2)}\n`);
    } finally {
      await booted.db.close();
    }
  };

  exportsCmd
    .command('failed')
    .requiredOption('--tenant <id>', 'council id')
    .description('List the filings, appointment events and payments the council refused, with the answer it gave (JSON)')
    .action((opts: { tenant: string }) =>
      withDb(async (db) => {
        const out: Record<string, unknown> = {};
        for (const [name, ops] of Object.entries(OUTBOXES)) out[name] = await ops(db).failed(opts.tenant);
        return out;
      }),
    );

  exportsCmd
    .command('retry')
    .requiredOption('--tenant <id>', 'council id')
    .argument('<outbox>', Object.keys(OUTBOXES).join(', '))
    .argument('<key>', 'the filing id, the event id or the payment id, as `exports failed` lists it')
    .description('Send a refused filing, event or payment again at the next delivery run (audited)')
    .action((outbox: string, key: string, opts: { tenant: string }) =>
      withDb(async (db) => {
        if (!isOutboxName(outbox)) throw new Error(`the outbox must be ${Object.keys(OUTBOXES).join(', ')}, not ${outbox}`);
        await OUTBOXES[outbox](db).requeue(opts.tenant, key);
        return { outbox, key, status: 'pending' };
      }),
    );
}
