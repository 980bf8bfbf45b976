/** A generic filing (instancia): department, subject, text, confirmation; registered with a receipt. */
import { z } from 'zod';
import { defineFlow } from '../slot-engine.ts';

const ZFilingSlots = z.object({ departmentId: z.string().optional(), subject: z.string().optional(), body: z.string().optional() });
type FilingSlots = z.infer<typeof ZFilingSlots>;

/** Longest subject and text kept from the chat (the form allows the same). */
const SUBJECT_MAX = 200;
const BODY_MAX = 5000;
/** A longer text is left out of the form's address (it stays in the chat's filing). */
const BODY_IN_URL_MAX = 1500;

/** The filing form with the dialog's department, subject and text filled in. */
function filingFormUrl(slots: FilingSlots): string {
  const q = new URLSearchParams();
  if (slots.departmentId) q.set('departmentId', slots.departmentId);
  if (slots.subject) q.set('subject', slots.subject);
  if (slots.body && slots.body.length <= BODY_IN_URL_MAX) q.set('body', slots.body);
  return `/procedures/filing?${q.toString()}`;
}

export const filingGenericFlow = defineFlow<FilingSlots>({
  intent: 'filing.generic',
  slots: ZFilingSlots,
  start: () => ({}),
  async begin(run) {
    run.goTo('department');
    await run.prompt();
  },
  steps: {
    department: {
      kind: 'choice',
      options: (run) => run.tenant.departments.map((d) => ({ value: d.id, labels: run.labelsOf(d.names) })),
      async onAnswer(run, value) {
        run.goTo('subject', { departmentId: value });
        await run.prompt();
      },
    },
    subject: {
      kind: 'text',
      minLength: 3,
      async onAnswer(run, value) {
        run.goTo('body', { subject: value.slice(0, SUBJECT_MAX) });
        await run.prompt();
      },
    },
    body: {
      kind: 'text',
      minLength: 10,
      async onAnswer(run, value) {
        run.goTo('confirm', { body: value.slice(0, BODY_MAX) });
        await run.prompt();
      },
    },
  },
  confirm(run) {
    const dept = run.tenant.departments.find((d) => d.id === run.slots.departmentId);
    return {
      key: 'confirm.filing.generic',
      params: { department: run.localize(dept?.names), subject: run.slots.subject ?? '' },
      // Documents cannot travel through the chat: before filing, offer the form with what was said already in it.
      cards: [{ kind: 'form', title: run.tr('card.attachments'), url: filingFormUrl(run.slots), text: run.tr('card.attachments_text') }],
    };
  },
  async perform(run, dni) {
    const { departmentId, subject, body } = run.slots;
    if (!departmentId || !subject || !body) return false;
    const f = await run.ports.filings.create(run.tenant.id, dni, { departmentId, subject, body }, run.procCtx());
    run.finish();
    run.say('done.filing_created', { reg: f.registryNumber });
    if (f.receiptCode) run.card({ kind: 'document', title: run.tr('card.filing_receipt'), url: `/verify/${f.receiptCode}/pdf`, code: f.receiptCode, links: [{ title: run.tr('card.verify'), url: `/verify/${f.receiptCode}` }] });
    return true;
  },
});
