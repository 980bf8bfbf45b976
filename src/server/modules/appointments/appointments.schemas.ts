import { z } from 'zod';
import { zIsoDay } from '../../../shared/iso-day.ts';

const IsoDate = zIsoDay();

export const ZAvailabilityQuerySchema = z.object({
  serviceId: z.string().min(1).max(64),
  officeId: z.string().min(1).max(64).optional(),
  from: IsoDate.optional(),
  days: z.coerce.number().int().min(1).max(62).optional(),
});

export const ZAvailabilitySchema = z.object({
  timeZone: z.string(),
  days: z.array(
    z.object({
      officeId: z.string(),
      date: z.string(),
      slots: z.array(z.object({ startsAt: z.string(), endsAt: z.string(), time: z.string(), capacity: z.number(), free: z.number() })),
    }),
  ),
});

export const ZBookSchema = z.object({
  serviceId: z.string().min(1).max(64),
  officeId: z.string().min(1).max(64),
  startsAt: z.string().datetime({ offset: true }),
  email: z.string().email().max(254).optional(),
});

export const ZRescheduleSchema = z.object({
  startsAt: z.string().datetime({ offset: true }),
  officeId: z.string().min(1).max(64).optional(),
});

export const ZAppointmentSchema = z.object({
  id: z.string(),
  code: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  kind: z.enum(['individual', 'group']),
  officeId: z.string(),
  officeName: z.string(),
  officeAddress: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  localDate: z.string(),
  localTime: z.string(),
  status: z.enum(['booked', 'cancelled']),
  rescheduledFrom: z.string().nullable(),
});

export const ZAppointmentListSchema = z.object({ appointments: z.array(ZAppointmentSchema) });

export const ZServicesSchema = z.object({
  services: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string().optional(),
      kind: z.enum(['individual', 'group']),
      slotMinutes: z.number(),
      capacity: z.number(),
      offices: z.array(z.object({ id: z.string(), name: z.string(), address: z.string() })),
    }),
  ),
});

export const ZIdParamsSchema = z.object({ id: z.string().uuid() });
