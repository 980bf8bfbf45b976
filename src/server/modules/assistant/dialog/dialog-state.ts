/**
 * Reading a dialog state back from `conversations.state` (jsonb). Everything stored is checked: the counters,
 * the pending question and the active procedure, whose slots must fit its flow's schema. A state that does not
 * (written by an older version, for instance with slots as JSON strings) is replaced by a fresh one, keeping
 * only the abuse count so that a reset never forgives abuse.
 */
import { z } from 'zod';
import { PROCEDURE_INTENTS } from '../../../../shared/procedures.ts';
import { initialState, type DialogState } from './dialog.types.ts';
import { FLOWS } from './flows/index.ts';

const ZCount = z.number().int().min(0);

const ZPending = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('disambiguate'), options: z.array(z.string()).max(5) }),
  z.object({ kind: z.literal('switch'), to: z.enum(PROCEDURE_INTENTS) }),
  z.object({ kind: z.literal('handoff_offer') }),
]);

const ZRawSlots = z.record(z.string(), z.unknown());

const ZActive = z
  .object({
    intent: z.enum(PROCEDURE_INTENTS),
    step: z.string().min(1),
    slots: ZRawSlots,
    history: z.array(z.object({ step: z.string().min(1), slots: ZRawSlots })),
  })
  .transform((a, ctx) => {
    const schema = FLOWS[a.intent].slots;
    const slots = schema.safeParse(a.slots);
    const history = a.history.map((h) => ({ step: h.step, parsed: schema.safeParse(h.slots) }));
    if (!slots.success || history.some((h) => !h.parsed.success)) {
      ctx.addIssue({ code: 'custom', message: `slots do not fit the ${a.intent} flow` });
      return z.NEVER;
    }
    return { intent: a.intent, step: a.step, slots: slots.data, history: history.flatMap((h) => (h.parsed.success ? [{ step: h.step, slots: h.parsed.data }] : [])) };
  });

export const ZDialogState = z.object({
  misunderstandings: ZCount,
  abuseCount: ZCount.optional(),
  active: ZActive.optional(),
  pending: ZPending.optional(),
});

/** The stored state when it is valid, else a fresh one (with the abuse count, when that part is readable). */
export function loadDialogState(stored: unknown): DialogState {
  const parsed = ZDialogState.safeParse(stored);
  if (parsed.success) return parsed.data;
  const counters = z.object({ abuseCount: ZCount }).safeParse(stored);
  return counters.success ? { ...initialState(), abuseCount: counters.data.abuseCount } : initialState();
}
