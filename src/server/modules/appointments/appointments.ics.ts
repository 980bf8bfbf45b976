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
  return foldIcsLines(value);
}

/** RFC 5545 §3.1: a content line is at most 75 octets; longer ones continue on lines that begin with one space. */
const MAX_OCTETS = 75;

/**
 * Re-folds a calendar by octets. The `ics` package folds at 75 characters, so a line with accents, "’" or "—" ran to
 * 76–83 octets, which strict readers refuse. Code points are never split, so every line stays valid UTF-8.
 */
export function foldIcsLines(calendar: string): string {
  const unfolded = calendar.replace(/\r\n[ \t]/g, '').split('\r\n');
  return unfolded
    .map((line) => {
      if (Buffer.byteLength(line, 'utf8') <= MAX_OCTETS) return line;
      const parts: string[] = [];
      let current = '';
      let octets = 0;
      for (const ch of line) {
        const n = Buffer.byteLength(ch, 'utf8');
        // The first line holds 75 octets; each continuation begins with a space, which counts.
        const limit = parts.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1;
        if (octets + n > limit) {
          parts.push(current);
          current = '';
          octets = 0;
        }
        current += ch;
        octets += n;
      }
      parts.push(current);
      return parts.join('\r\n ');
    })
    .join('\r\n');
}
