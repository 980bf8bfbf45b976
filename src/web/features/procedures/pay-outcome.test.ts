import { describe, expect, it } from 'vitest';
import { t } from '../../../server/i18n.ts';
import { LANGUAGES } from '../../../shared/languages.ts';
import { paymentOutcome, type PaymentOutcomeInput } from './pay-outcome.ts';

const LOCALE = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' } as const;
const money = (cents: number, lang: (typeof LANGUAGES)[number]) => new Intl.NumberFormat(LOCALE[lang], { style: 'currency', currency: 'EUR' }).format(cents / 100);
const say = (p: PaymentOutcomeInput, lang: (typeof LANGUAGES)[number]) => {
  const { key, amountCents } = paymentOutcome(p);
  return t(lang, `web:${key}`, amountCents === undefined ? {} : { amount: money(amountCents, lang) });
};

describe('what the pay page says about a payment', () => {
  it('HIGH-1: never says "not charged" when the gateway authorised the charge; names the refund and its amount in es, ca and en', () => {
    const notCharged = LANGUAGES.map((lang) => t(lang, 'web:pay.not_paid'));
    expect(notCharged[0]).toContain('No se le ha cobrado nada');
    const charged: PaymentOutcomeInput[] = [
      ...(['already_paid', 'amount_mismatch', 'late'] as const).map((reason) => ({ amountCents: 5_000, status: 'rejected' as const, refund: { status: 'pending' as const, reason, amountCents: 5_000 } })),
      { amountCents: 5_000, status: 'rejected', refund: { status: 'failed', reason: 'already_paid', amountCents: 5_000 } },
      { amountCents: 5_000, status: 'rejected', refund: { status: 'refunded', reason: 'late', amountCents: 5_000 } },
      { amountCents: 5_000, status: 'rejected', refund: { status: 'refund_by_hand', reason: 'amount_mismatch', amountCents: 120 } },
      // An old rejected payment with no case known to the page: still charged.
      { amountCents: 5_000, status: 'rejected', refund: null },
    ];
    for (const p of charged) {
      expect(paymentOutcome(p).isCharged).toBe(true);
      for (const lang of LANGUAGES) {
        const text = say(p, lang);
        expect(notCharged).not.toContain(text);
        if (p.refund) expect(text).toContain(money(p.refund.amountCents, lang));
      }
    }
    const chargedTwice: PaymentOutcomeInput = { amountCents: 5_000, status: 'rejected', refund: { status: 'pending', reason: 'already_paid', amountCents: 5_000 } };
    expect(say(chargedTwice, 'es')).toBe(`Este recibo ya estaba pagado, así que se le ha cobrado dos veces. Le devolvemos ${money(5_000, 'es')}.`);
    // Only a payment the gateway refused says nothing was charged.
    expect(say({ amountCents: 5_000, status: 'denied', refund: null }, 'es')).toBe(t('es', 'web:pay.not_paid'));
  });
});
