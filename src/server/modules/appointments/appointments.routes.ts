import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { procedureContext } from '../../procedures/index.ts';
import { requireCitizen } from '../identity/index.ts';
import { localize } from '../tenants/index.ts';
import {
  ZAppointmentListSchema,
  ZAppointmentSchema,
  ZAvailabilityQuerySchema,
  ZAvailabilitySchema,
  ZBookSchema,
  ZIdParamsSchema,
  ZRescheduleSchema,
  ZServicesSchema,
} from './appointments.schemas.ts';
import type { AppointmentsService } from './appointments.service.ts';

const TAGS = ['appointments'];

/** Appointment services and availability (public), and the signed-in citizen's bookings. */
export function appointmentsRoutes(service: AppointmentsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/api/v1/appointments/services', { schema: { tags: TAGS, summary: 'Services with appointments and their offices', response: { 200: ZServicesSchema } } }, async (req) => {
      const tenant = req.requireTenant();
      return {
        services: tenant.appointmentServices.map((s) => ({
          id: s.id,
          name: localize(s.names, req.lang, tenant),
          ...(s.descriptions ? { description: localize(s.descriptions, req.lang, tenant) } : {}),
          kind: s.kind,
          slotMinutes: s.slotMinutes,
          capacity: s.capacity,
          offices: s.offices.flatMap((id) => {
            const o = tenant.offices.find((x) => x.id === id);
            return o ? [{ id: o.id, name: localize(o.names, req.lang, tenant), address: o.address }] : [];
          }),
        })),
      };
    });

    r.get(
      '/api/v1/appointments/availability',
      { schema: { tags: TAGS, summary: 'Days and slots with free places (times in the council time zone, instants in UTC)', querystring: ZAvailabilityQuerySchema, response: { 200: ZAvailabilitySchema } } },
      async (req) => {
        const tenant = req.requireTenant();
        return { timeZone: tenant.timeZone, days: await service.availability(tenant.id, req.query) };
      },
    );

    r.post('/api/v1/appointments', { schema: { tags: TAGS, summary: 'Book a place (409 appointments.slot_full when none is left)', body: ZBookSchema, response: { 201: ZAppointmentSchema } } }, async (req, reply) => {
      const me = requireCitizen(req);
      return reply.code(201).send(await service.book(me.tenantId, me.dni, req.body, procedureContext(req)));
    });

    r.get('/api/v1/appointments', { schema: { tags: TAGS, summary: 'My appointments', response: { 200: ZAppointmentListSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return { appointments: await service.listMine(me.tenantId, me.dni, req.lang) };
    });

    r.get('/api/v1/appointments/:id', { schema: { tags: TAGS, summary: 'One of my appointments', params: ZIdParamsSchema, response: { 200: ZAppointmentSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return service.get(me.tenantId, me.dni, req.params.id, req.lang);
    });

    r.get('/api/v1/appointments/:id/ics', { schema: { tags: TAGS, summary: 'One of my appointments as a calendar file (.ics)', params: ZIdParamsSchema } }, async (req, reply) => {
      const me = requireCitizen(req);
      const { fileName, ics } = await service.calendar(me.tenantId, me.dni, req.params.id, req.lang);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .header('cache-control', 'private, no-store')
        .send(ics);
    });

    r.post('/api/v1/appointments/:id/cancel', { schema: { tags: TAGS, summary: 'Cancel one of my appointments', params: ZIdParamsSchema, response: { 200: ZAppointmentSchema } } }, async (req) => {
      const me = requireCitizen(req);
      return service.cancel(me.tenantId, me.dni, req.params.id, procedureContext(req));
    });

    r.post(
      '/api/v1/appointments/:id/reschedule',
      { schema: { tags: TAGS, summary: 'Move one of my appointments to another slot (atomic)', params: ZIdParamsSchema, body: ZRescheduleSchema, response: { 200: ZAppointmentSchema } } },
      async (req) => {
        const me = requireCitizen(req);
        return service.reschedule(me.tenantId, me.dni, req.params.id, req.body, procedureContext(req));
      },
    );
  };
}
