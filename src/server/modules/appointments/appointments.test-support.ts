/** Shared by the appointments tests: a council with a 10-place group session and an SMTP sink on 127.0.0.1. */
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

/** Moved to src/server/testing/smtp-sink.ts (the payments tests use it too); kept here for the appointments tests. */
export { startSmtpSink, type SmtpSink } from '../../testing/smtp-sink.ts';
