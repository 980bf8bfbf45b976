/** Paying a pending receipt or tax (tax.pay) or a fine (fine.pay): pick one, confirm, go to the gateway. */
import { z } from 'zod';
import { formatMoney, formatWeekdayDate } from '../../../../../shared/format.ts';
import { MAX_LIST } from '../dialog.types.ts';
import { defineFlow, type ProcedureFlow } from '../slot-engine.ts';

const ZDebtSlots = z.object({
  /** The pending debts listed to the citizen (id and "name: amount"). */
  debts: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  debtId: z.string().optional(),
  debtLabel: z.string().optional(),
});
type DebtSlots = z.infer<typeof ZDebtSlots>;

function debtPaymentFlow(intent: 'tax.pay' | 'fine.pay'): ProcedureFlow<DebtSlots> {
  const isFine = intent === 'fine.pay';
  return defineFlow<DebtSlots>({
    intent,
    slots: ZDebtSlots,
    start: () => ({}),
    async begin(run) {
      const citizen = run.turn.ctx.citizen;
      if (!citizen) return;
      const pending = (await run.ports.payments.listPending(run.tenant.id, citizen.dni, run.lang)).filter((d) => (d.kind === 'fine') === isFine).slice(0, MAX_LIST);
      if (pending.length === 0) {
        run.finish();
        run.say(isFine ? 'no_fines' : 'no_receipts');
        return;
      }
      const lines = pending.map((d) => {
        const due = formatMoney(d.amountDueCents, run.lang);
        if (d.kind === 'fine' && d.isInVoluntaryPeriod && d.reductionPercent > 0 && d.amountDueCents < d.amountCents) {
          return run.tr('debt_line_reduced', { name: d.taxName, concept: d.concept, due, full: formatMoney(d.amountCents, run.lang), percent: d.reductionPercent, until: formatWeekdayDate(d.voluntaryEnd, run.lang) });
        }
        return run.tr('debt_line', { name: d.taxName, concept: d.concept, due });
      });
      run.say(isFine ? 'fines_list' : 'receipts_list', { count: pending.length });
      run.text(lines.map((l) => `• ${l}`).join('\n'));
      run.goTo('debt', { debts: pending.map((d) => ({ value: d.id, label: `${d.taxName}: ${formatMoney(d.amountDueCents, run.lang)}` })) });
      await run.prompt();
    },
    steps: {
      debt: {
        kind: 'choice',
        options: (run) => (run.slots.debts ?? []).map((d) => ({ value: d.value, labels: [d.label] })),
        async onAnswer(run, value) {
          run.goTo('confirm', { debtId: value, debtLabel: run.slots.debts?.find((d) => d.value === value)?.label ?? '' });
          await run.prompt();
        },
      },
    },
    confirm: (run) => ({ key: `confirm.${intent}`, params: { debt: run.slots.debtLabel ?? '' } }),
    async perform(run, dni) {
      const debtId = run.slots.debtId;
      if (!debtId) return false;
      const started = await run.ports.payments.startPayment(run.tenant.id, dni, { debtId }, run.procCtx());
      const amount = formatMoney(started.amountCents, run.lang);
      run.finish();
      run.say('done.payment_started', { amount });
      run.card({ kind: 'payment', title: run.tr('card.pay', { amount }), url: started.redirectForm.url, method: started.redirectForm.method, fields: started.redirectForm.fields });
      return true;
    },
  });
}

export const taxPaymentFlow = debtPaymentFlow('tax.pay');
export const finePaymentFlow = debtPaymentFlow('fine.pay');
