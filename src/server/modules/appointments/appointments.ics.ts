import { createEvent } from 'ics';

export interface IcsInput {
  uid: string;
  title: string;
  description: string;
  location: string;
  startsAt: Date;
  endsAt: Date;
  organizerName: string;
  organizerEmail?: string | undefined;
}

const utcArray = (d: Date): [number, number, number, number, number] => [
  d.getUTCFullYear(),
  d.getUTCMonth() + 1,
  d.getUTCDate(),
  d.getUTCHours(),
  d.getUTCMinutes(),
];

/** An RFC 5545 calendar (one VEVENT, times in UTC) for the confirmation e-mail. */
export function appointmentIcs(input: IcsInput): string {
  const { error, value } = createEvent({
    uid: input.uid,
    title: input.title,
    description: input.description,
    location: input.location,
    start: utcArray(input.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: utcArray(input.endsAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    status: 'CONFIRMED',
    productId: 'ventanilla/appointments',
    organizer: input.organizerEmail ? { name: input.organizerName, email: input.organizerEmail } : { name: input.organizerName },
    alarms: [{ action: 'display', description: input.title, trigger: { hours: 24, before: true } }],
  });
  if (error || !value) throw error ?? new Error('ics: empty calendar');
  return value;
}
