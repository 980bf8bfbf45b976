import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { cleanFileName, contentDisposition, type Upload } from '../storage/index.ts';
import {
  ZAccountSchema, ZAccountSettingsSchema, ZAdoptSchema, ZHistoryEntrySchema, ZLoginSchema, ZMunicipalityQuerySchema, ZMunicipalitySchema, ZNotificationSchema,
  ZPortfolioSchema, ZProjectDetailSchema, ZProjectInputSchema, ZProjectPatchSchema, ZProjectSearchQuerySchema, ZProjectSearchResultSchema,
  ZProjectSummarySchema, ZRegisterSchema, ZReviewSchema, ZProjectFileSchema, ZProjectFileParamsSchema,
} from './observatory.schemas.ts';
import type { ObsActor } from './observatory.policy.ts';
import type { ObservatoryService } from './observatory.service.ts';
import type { Mailer } from './observatory.types.ts';
import { currentCsrfToken, endObsSession, readObsActor, startObsSession, type ObsSessionOptions } from './observatory.session.ts';

const tags = ['observatory'];
const Id = z.object({ id: z.string().min(1).max(200) });
/** Project texts (description, barriers, benefits... in three languages) have no length cap: more than the 64 KB default. */
const PROJECT_BODY_LIMIT = 1_048_576;

export interface ObservatoryRoutesDeps {
  service: ObservatoryService;
  session: ObsSessionOptions;
  /** Sends the verification e-mail; without it the token is only logged in development. */
  mailer?: Mailer;
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987), so "Memòria.pdf" survives. */
const attachmentDisposition = (name: string): string => contentDisposition('attachment', name);

/** /api/v1/observatory/...: search, records and their workflow, reuse, municipalities, accounts. */
export function observatoryRoutes(deps: ObservatoryRoutesDeps) {
  const { service } = deps;
  const actorOf = (req: FastifyRequest): Promise<ObsActor | undefined> => readObsActor(req, service, deps.session);

  return async (app: FastifyInstance) => {
    // Encapsulated in this plugin: multipart only for the observatory's routes, with its limits (busboy enforces them while streaming).
    const limits = service.fileLimits;
    await app.register(multipart, {
      limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 5, fieldSize: 1024, parts: limits.maxFiles + 5 },
      throwFileSizeLimit: true,
    });
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get('/api/v1/observatory/projects', {
      schema: { tags, summary: 'Search published projects: text, filters, Km0 (near=<INE>&km=) and councils like mine (like=<INE>)',
        querystring: ZProjectSearchQuerySchema, response: { 200: ZProjectSearchResultSchema } },
    }, async (req) => service.searchProjects(await actorOf(req), req.query, req.lang));

    r.post('/api/v1/observatory/projects', {
      bodyLimit: PROJECT_BODY_LIMIT,
      schema: { tags, summary: 'Create a draft project (signed-in officer)', body: ZProjectInputSchema, response: { 201: ZProjectDetailSchema } },
    }, async (req, reply) => reply.code(201).send(await service.createProject(await actorOf(req), req.body)));

    r.get('/api/v1/observatory/projects/:id', {
      schema: { tags, summary: 'A project (by id or slug) with its six levels, reuse and permissions', params: Id, response: { 200: ZProjectDetailSchema } },
    }, async (req) => service.getProject(await actorOf(req), req.params.id, req.lang));

    r.patch('/api/v1/observatory/projects/:id', {
      bodyLimit: PROJECT_BODY_LIMIT,
      schema: { tags, summary: 'Edit a project (owner or editor); kept in the history', params: Id, body: ZProjectPatchSchema, response: { 200: ZProjectDetailSchema } },
    }, async (req) => service.updateProject(await actorOf(req), req.params.id, req.body));

    for (const [action, summary] of [
      ['submit', 'Send a draft for review (owner)'],
      ['publish', 'Publish a submitted project (editor)'],
      ['reject', 'Return a submitted project to its owner (editor)'],
      ['review', 'Confirm a published project is still accurate (owner or editor)'],
      ['archive', 'Archive a project (owner or editor)'],
    ] as const) {
      r.post(`/api/v1/observatory/projects/:id/${action}`, {
        schema: { tags, summary, params: Id, body: ZReviewSchema.nullish(), response: { 200: ZProjectDetailSchema } },
      }, async (req) => {
        const actor = await actorOf(req);
        const comment = req.body?.comment;
        switch (action) {
          case 'submit': return service.submitProject(actor, req.params.id);
          case 'publish': return service.publishProject(actor, req.params.id, comment);
          case 'reject': return service.rejectProject(actor, req.params.id, comment);
          case 'review': return service.markReviewed(actor, req.params.id, comment);
          case 'archive': return service.archiveProject(actor, req.params.id);
        }
      });
    }

    r.get('/api/v1/observatory/workspace', {
      schema: { tags, summary: 'My projects (every status) and, for editors, the review queue', response: { 200: z.object({ mine: z.array(ZProjectSummarySchema), queue: z.array(ZProjectSummarySchema) }) } },
    }, async (req) => service.workspace(await actorOf(req), req.lang));

    r.get('/api/v1/observatory/projects/:id/history', {
      schema: { tags, summary: 'Every change to a project', params: Id, response: { 200: z.array(ZHistoryEntrySchema) } },
    }, async (req) => service.history(await actorOf(req), req.params.id));

    r.post('/api/v1/observatory/projects/:id/files', {
      schema: { tags, summary: 'Add documentation files (multipart, field "files"; owner or editor): PDF, JPEG, PNG, ODT, ODS, DOCX, XLSX; at most 10 a project, 20 MB each',
        params: Id, consumes: ['multipart/form-data'], response: { 201: z.object({ files: z.array(ZProjectFileSchema) }) } },
    }, async (req, reply) => {
      const actor = await actorOf(req);
      if (!req.isMultipart()) throw new AppError('observatory.multipart_required', { status: 415 });
      // Read lazily: the service checks who may upload before the bytes are buffered. Busboy stops a file or a count
      // over the limits while streaming; say so with the same storage.* errors the service gives.
      const readUploads = async () => {
        const uploads: Upload[] = [];
        let current = '';
        try {
          for await (const part of req.parts()) {
            if (part.type !== 'file') continue;
            current = cleanFileName(part.filename);
            uploads.push({ fileName: part.filename, data: await part.toBuffer() });
          }
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE') {
            throw new AppError('storage.file_too_large', { status: 413, params: { name: current, maxMb: Math.floor(limits.maxFileBytes / 1_048_576) } });
          }
          if (code === 'FST_FILES_LIMIT') throw new AppError('storage.too_many_files', { status: 413, params: { max: limits.maxFiles } });
          throw err;
        }
        return uploads;
      };
      return reply.code(201).send({ files: await service.addProjectFiles(actor, req.params.id, readUploads) });
    });

    r.get('/api/v1/observatory/projects/:id/files/:fileId', {
      schema: { tags, summary: 'Download a documentation file (anyone for a published project; else its owner and editors)', params: ZProjectFileParamsSchema },
    }, async (req, reply) => {
      const f = await service.projectFile(await actorOf(req), req.params.id, req.params.fileId);
      return reply
        .type(f.mimeType)
        .header('content-disposition', attachmentDisposition(f.fileName))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', f.isPublic ? 'public, max-age=300' : 'private, no-store')
        .send(f.data);
    });

    r.delete('/api/v1/observatory/projects/:id/files/:fileId', {
      schema: { tags, summary: 'Remove a documentation file (owner or editor); kept in the history', params: ZProjectFileParamsSchema, response: { 204: z.null() } },
    }, async (req, reply) => {
      await service.removeProjectFile(await actorOf(req), req.params.id, req.params.fileId);
      return reply.code(204).send(null);
    });

    r.get('/api/v1/observatory/projects/:id/similar', {
      schema: { tags, summary: 'Similar published projects', params: Id, response: { 200: z.array(ZProjectSummarySchema) } },
    }, async (req) => service.similarProjects(await actorOf(req), req.params.id, req.lang));

    r.post('/api/v1/observatory/projects/:id/adopt', {
      schema: { tags, summary: 'Record that a council adopted (or is adopting) a project', params: Id, body: ZAdoptSchema, response: { 200: ZProjectDetailSchema } },
    }, async (req) => service.adopt(await actorOf(req), req.params.id, req.body));

    r.get('/api/v1/observatory/municipalities', {
      schema: { tags, summary: 'Spanish municipalities for pickers (name or INE code; IGN/CNIG, CC BY 4.0)', querystring: ZMunicipalityQuerySchema,
        response: { 200: z.array(ZMunicipalitySchema) } },
    }, async (req) => service.searchMunicipalities(req.query.q, req.query.limit));

    r.get('/api/v1/observatory/municipalities/:id', {
      schema: { tags, summary: 'One municipality by INE code', params: Id, response: { 200: ZMunicipalitySchema } },
    }, async (req) => service.municipality(req.params.id));

    r.get('/api/v1/observatory/portfolios', {
      schema: { tags, summary: 'Plans grouping several actions (e.g. Alicante Smart City 2.0)', response: { 200: z.array(ZPortfolioSchema) } },
    }, async (req) => service.portfolios(req.lang));

    r.get('/api/v1/observatory/portfolios/:id', {
      schema: { tags, summary: 'One plan with its objectives and budget lines', params: Id, response: { 200: ZPortfolioSchema } },
    }, async (req) => service.portfolio(req.params.id, req.lang));

    // ---- accounts
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
