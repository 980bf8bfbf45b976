/** /api/v1/observatory/...: registration and verification, the officer's session, own settings and notifications. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ObsActor } from './observatory.policy.ts';
import { ZAccountSchema, ZAccountSettingsSchema, ZLoginSchema, ZNotificationSchema, ZRegisterSchema } from './observatory.schemas.ts';
import type { ObservatoryRoutesDeps } from './observatory.routes.types.ts';
import { currentCsrfToken, endObsSession, readObsActor, startObsSession } from './observatory.session.ts';

const tags = ['observatory'];

/** Registers the account routes on the observatory's plugin instance. */
export function accountRoutes(deps: ObservatoryRoutesDeps) {
  const { service } = deps;
  const actorOf = (req: FastifyRequest): Promise<ObsActor | undefined> => readObsActor(req, service, deps.session);

  return (app: FastifyInstance): void => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post('/api/v1/observatory/accounts', {
      // Each call may send an e-mail (to a new address, or a warning to an existing account): as resend-verification.
      config: { csrf: false, rateLimit: { max: 5, timeWindow: 60_000 } },
      schema: { tags, summary: 'Register as an officer (an e-mail with a verification link is sent); 201 whether or not the address already has an account (no enumeration)',
        body: ZRegisterSchema, response: { 201: ZAccountSchema } },
    }, async (req, reply) => {
      const r = await service.registerOrWarn(req.body);
      // Mailed without waiting, in both cases: an answer that waited for the mail server would differ in timing.
      const mail = r.existing ? service.registrationAttemptMail(r.existing) : service.verificationMail(r.account, r.verificationToken);
      if (deps.mailer) deps.mailer.send(mail).catch((err: unknown) => req.log.error({ err }, 'registration e-mail failed'));
      return reply.code(201).send(r.account);
    });

    r.post('/api/v1/observatory/accounts/verify', {
      config: { csrf: false },
      schema: { tags, summary: 'Confirm the e-mail address with the token from the link', body: z.object({ token: z.string().min(10).max(200) }), response: { 200: ZAccountSchema } },
    }, async (req) => service.verifyEmail(req.body.token));

    r.post('/api/v1/observatory/accounts/resend-verification', {
      // Each accepted call may send an e-mail: a tighter per-address limit than the global one.
      config: { csrf: false, rateLimit: { max: 5, timeWindow: 60_000 } },
      schema: { tags, summary: 'Send the verification e-mail again; 202 whatever the address (no account enumeration)',
        body: z.object({ email: z.string().trim().email().max(320) }).strict(), response: { 202: z.object({ accepted: z.literal(true) }) } },
    }, async (req, reply) => {
      const fresh = await service.reissueVerification(req.body.email);
      // Not awaited: an answer that waited for the mail server would tell, by its timing, which addresses have accounts.
      if (fresh && deps.mailer) {
        deps.mailer.send(service.verificationMail(fresh.account, fresh.verificationToken)).catch((err: unknown) => req.log.error({ err }, 'verification e-mail failed'));
      }
      return reply.code(202).send({ accepted: true as const });
    });

    r.post('/api/v1/observatory/session', {
      config: { csrf: false },
      schema: { tags, summary: 'Sign in (sets the observatory cookie; returns the CSRF token for x-obs-csrf-token)', body: ZLoginSchema,
        response: { 200: z.object({ account: ZAccountSchema, csrfToken: z.string() }) } },
    }, async (req, reply) => {
      const { account } = await service.authenticate(req.body.email, req.body.password, req.ip);
      return { account, csrfToken: await startObsSession(reply, account.id, service, deps.session) };
    });

    r.get('/api/v1/observatory/session', {
      schema: { tags, summary: 'Who is signed in to the observatory, and the CSRF token', response: { 200: z.object({ account: ZAccountSchema.nullable(), csrfToken: z.string().nullable() }) } },
    }, async (req) => {
      const actor = await actorOf(req);
      const account = actor?.kind === 'account' ? (await service.account(actor.id)) ?? null : null;
      return { account, csrfToken: account ? currentCsrfToken(req, deps.session) : null };
    });

    r.delete('/api/v1/observatory/session', {
      schema: { tags, summary: 'Sign out', response: { 204: z.null() } },
    }, async (req, reply) => {
      // Checks the CSRF token first: a cross-site page must not sign an officer out.
      await actorOf(req);
      await endObsSession(req, reply, service, deps.session);
      return reply.code(204).send(null);
    });

    r.patch('/api/v1/observatory/account', {
      schema: { tags, summary: 'My settings: { wantsDigest } turns the daily e-mail digest on or off', body: ZAccountSettingsSchema, response: { 200: ZAccountSchema } },
    }, async (req) => service.updateOwnAccount(await actorOf(req), req.body));

    r.get('/api/v1/observatory/notifications', {
      schema: { tags, summary: 'My in-app notifications', querystring: z.object({ unread: z.enum(['true', 'false']).optional() }),
        response: { 200: z.array(ZNotificationSchema) } },
    }, async (req) => service.notifications(await actorOf(req), { onlyUnread: req.query.unread === 'true' }));

    r.post('/api/v1/observatory/notifications/read', {
      schema: { tags, summary: 'Mark notifications read (ids, or all)', body: z.object({ ids: z.union([z.array(z.number().int()), z.literal('all')]) }),
        response: { 200: z.object({ updated: z.number() }) } },
    }, async (req) => ({ updated: await service.markNotificationsRead(await actorOf(req), req.body.ids) }));
  };
}
