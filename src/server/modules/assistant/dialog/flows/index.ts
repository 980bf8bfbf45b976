/**
 * The flow registry: one flow per procedure intent. A new procedure is one new `<procedure>.flow.ts` and one
 * line here (and its name in src/shared/procedures.ts).
 */
import type { ProcedureIntent } from '../../../../../shared/procedures.ts';
import type { SlotRecord } from '../dialog.types.ts';
import type { ProcedureFlow } from '../slot-engine.ts';
import { appointmentBookFlow } from './appointment-book.flow.ts';
import { appointmentManageFlow } from './appointment-manage.flow.ts';
import { finePaymentFlow, taxPaymentFlow } from './debt-payment.flow.ts';
import { filingGenericFlow } from './filing-generic.flow.ts';
import { filingStatusFlow } from './filing-status.flow.ts';
import { padronCertificateFlow } from './padron-certificate.flow.ts';

export const FLOWS: Readonly<Record<ProcedureIntent, ProcedureFlow<SlotRecord>>> = {
  'certificate.padron': padronCertificateFlow,
  'appointment.book': appointmentBookFlow,
  'appointment.manage': appointmentManageFlow,
  'tax.pay': taxPaymentFlow,
  'fine.pay': finePaymentFlow,
  'filing.generic': filingGenericFlow,
  'filing.status': filingStatusFlow,
};
