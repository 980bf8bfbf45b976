/** Shared by the appointments tests: a council with a 10-place group session and an SMTP sink on 127.0.0.1. */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { LoadedTenant } from '../tenants/index.ts';

/** The demo councils with an extra group session of 10 seats at Alacant's Smart Centre (wed 10:00-12:00). */
export function withTenPlaceWorkshop(tenants: readonly LoadedTenant[]): LoadedTenant[] {
  return tenants.map((t) =>
    t.profile.id !== 'alacant'
      ? t
      : {
          ...t,
          profile: {
            ...t.profile,
            appointmentServices: [
              ...t.profile.appointmentServices,
              {
                id: 'taller-diez',
                names: { es: 'Taller de 10 plazas', ca: 'Taller de 10 places', en: 'Ten-seat workshop' },
                kind: 'group' as const,
                offices: ['smart-centre-carolinas'],
                slotMinutes: 120,
                capacity: 10,
                bookingWindowDays: 60,
                openingHours: [{ days: ['wed' as const], open: '10:00', close: '12:00' }],
              },
            ],
          },
        },
  );
}

export interface SmtpSink {
  url: string;
  messages: ParsedMail[];
  /** Resolves when at least `n` messages have arrived (or rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that keeps every message it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((m) => {
          messages.push(m);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(n, ms = 5000) {
      const until = Date.now() + ms;
      while (messages.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} messages, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
