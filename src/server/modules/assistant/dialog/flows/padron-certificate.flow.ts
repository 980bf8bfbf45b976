/** A padrón certificate (individual or for the whole household), issued and sealed at once. */
import { z } from 'zod';
import { simplify } from '../dialog.text.ts';
import { defineFlow } from '../slot-engine.ts';

const ZCertificateKind = z.enum(['individual', 'collective']);
const ZPadronSlots = z.object({ kind: ZCertificateKind.optional() });
type PadronSlots = z.infer<typeof ZPadronSlots>;

/** The kind named in free text ("el colectivo", "per a tota la família"), if any. */
export function certificateKindOf(raw: string): z.infer<typeof ZCertificateKind> | undefined {
  const s = simplify(raw);
  if (/\b(colectiv|col lectiu|collectiu|collective|familia|family|household|convivencia|todos los que|tots els que)/.test(s)) return 'collective';
  if (/\bindividual\b/.test(s)) return 'individual';
  return undefined;
}

export const padronCertificateFlow = defineFlow<PadronSlots>({
  intent: 'certificate.padron',
  slots: ZPadronSlots,
  start(first) {
    const kind = certificateKindOf(first.text);
    return kind ? { kind } : {};
  },
  async begin(run) {
    run.goTo(run.slots.kind ? 'confirm' : 'kind');
    await run.prompt();
  },
  steps: {
    kind: {
      kind: 'choice',
      options: (run) => [
        { value: 'individual', labels: [run.tr('kind.individual'), 'individual', 'solo yo', 'només jo', 'just me'] },
        { value: 'collective', labels: [run.tr('kind.collective'), 'colectivo', 'col·lectiu', 'collective', 'familia', 'família', 'family', 'household', 'todos'] },
      ],
      async onAnswer(run, value) {
        run.goTo('confirm', { kind: value === 'collective' ? 'collective' : 'individual' });
        await run.prompt();
      },
    },
  },
  confirm: (run) => ({ key: 'confirm.certificate.padron', params: { kind: run.tr(`kind.${run.slots.kind ?? 'individual'}`) } }),
  async perform(run, dni) {
    const kind = run.slots.kind ?? 'individual';
    const doc = await run.ports.padronCertificates.issue(run.tenant.id, dni, kind, run.procCtx());
    run.finish();
    run.say('done.certificate', { code: doc.displayCode });
    run.card({ kind: 'document', title: run.tr(`card.certificate_${kind}`), url: doc.pdfUrl, code: doc.displayCode, links: [{ title: run.tr('card.verify'), url: doc.verifyUrl }] });
    return true;
  },
});
