/**
 * The procedures a council can offer, by the names the assistant's intents, the council profiles and the NLU
 * training files all use. One list: a new procedure starts here.
 */
export const PROCEDURE_INTENTS = ['certificate.padron', 'appointment.book', 'appointment.manage', 'tax.pay', 'fine.pay', 'filing.generic', 'filing.status'] as const;
export type ProcedureIntent = (typeof PROCEDURE_INTENTS)[number];

export function isProcedureIntent(name: string): name is ProcedureIntent {
  return (PROCEDURE_INTENTS as readonly string[]).includes(name);
}
