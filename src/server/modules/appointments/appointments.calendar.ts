/** Which slots a service offers at an office on a day: opening hours, slot length, holidays. Pure functions. */
import type { AppointmentService, Office, OpeningHours, TenantProfile } from '../tenants/index.ts';
import { hhmmOf, localToUtc, minutesOf, weekdayOf } from './appointments.time.ts';

export interface SlotSpec {
  officeId: string;
  /** Local calendar date. */
  date: string;
  /** Local start time HH:MM. */
  time: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
}

/** True when the council or the office is closed that day. */
export function isHoliday(tenant: TenantProfile, office: Office, date: string): boolean {
  return tenant.holidays.includes(date) || office.holidays.includes(date);
}

/** The service's own hours when it has them (narrower than the office's), else the office's. */
function hoursFor(service: AppointmentService, office: Office): OpeningHours[] {
  return service.openingHours ?? office.openingHours;
}

/** Every slot of a service at an office on one local date (empty on holidays and closed days). */
export function slotsForDay(tenant: TenantProfile, service: AppointmentService, office: Office, date: string): SlotSpec[] {
  if (isHoliday(tenant, office, date)) return [];
  const day = weekdayOf(date);
  const out: SlotSpec[] = [];
  for (const h of hoursFor(service, office)) {
    if (!h.days.includes(day)) continue;
    const close = minutesOf(h.close);
    for (let start = minutesOf(h.open); start + service.slotMinutes <= close; start += service.slotMinutes) {
      const time = hhmmOf(start);
      const startsAt = localToUtc(date, time, tenant.timeZone);
      out.push({
        officeId: office.id,
        date,
        time,
        startsAt,
        endsAt: new Date(startsAt.getTime() + service.slotMinutes * 60_000),
        capacity: service.capacity,
      });
    }
  }
  return out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
