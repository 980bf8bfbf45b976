/** How one's filings are going: one by its registry number, else the latest few. Answers at once, no questions. */
import { z } from 'zod';
import { AppError } from '../../../../errors.ts';
import { MAX_LIST } from '../dialog.types.ts';
import { defineFlow } from '../slot-engine.ts';

const ZStatusSlots = z.object({ registryNumber: z.string().optional() });
type StatusSlots = z.infer<typeof ZStatusSlots>;

export const filingStatusFlow = defineFlow<StatusSlots>({
  intent: 'filing.status',
  slots: ZStatusSlots,
  start(first) {
    const reg = /REG-\d{4}-\d{6}/i.exec(first.text);
    return reg ? { registryNumber: reg[0].toUpperCase() } : {};
  },
  async begin(run) {
    const citizen = run.turn.ctx.citizen;
    const reg = run.slots.registryNumber;
    run.finish();
    if (!citizen) return;
    const filings = run.ports.filings;
    const line = (f: { registryNumber: string; subject: string; status: string }) => run.tr('filing_status', { reg: f.registryNumber, subject: f.subject, status: run.tr(`filing_state.${f.status}`) });
    if (reg) {
      try {
        run.text(line(await filings.status(run.tenant.id, citizen.dni, reg, run.lang)));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        run.text(err.userMessage(run.lang));
      }
      return;
    }
    const mine = (await filings.listMine(run.tenant.id, citizen.dni, run.lang)).slice(0, MAX_LIST);
    if (mine.length === 0) {
      run.say('no_filings');
      return;
    }
    run.say('filings_list', { count: mine.length });
    run.text(mine.map((f) => `• ${line(f)}`).join('\n'));
  },
  steps: {},
});
