import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { cleanFileName, contentDisposition, type Upload } from '../storage/index.ts';
import { accountRoutes } from './accounts.routes.ts';
import type { ObsActor } from './observatory.policy.ts';
import {
  ZAdoptSchema, ZHistoryEntrySchema, ZMunicipalityQuerySchema, ZMunicipalitySchema, ZPortfolioSchema, ZProjectDetailSchema, ZProjectInputSchema,
  ZProjectPatchSchema, ZProjectSearchQuerySchema, ZProjectSearchResultSchema, ZProjectSummarySchema, ZReviewSchema, ZProjectFileSchema,
  ZProjectFileParamsSchema,
} from './observatory.schemas.ts';
import type { ObservatoryRoutesDeps } from './observatory.routes.types.ts';
import { readObsActor } from './observatory.session.ts';

const tags = ['observatory'];
const Id = z.object({ id: z.string().min(1).max(200) });
/** Project texts (description, barriers, benefits... in three languages) have no length cap: more than the 64 KB default. */
const PROJECT_BODY_LIMIT = 1_048_576;

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987), so "Memòria.pdf" survives. */
const attachmentDisposition = (name: string): string => contentDisposition('attachment', name);

/** /api/v1/observatory/...: search, records and their workflow, files, reuse, municipalities, portfolios; then accounts. */
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
      if (!req.isMultipart()) throw new AppError('observatory.multipart_required');
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
            throw new AppError('storage.file_too_large', { params: { name: current, maxMb: Math.floor(limits.maxFileBytes / 1_048_576) } });
          }
          if (code === 'FST_FILES_LIMIT') throw new AppError('storage.too_many_files', { params: { max: limits.maxFiles } });
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

    // Accounts, the session and notifications: accounts.routes.ts (registered here, after the project routes).
    accountRoutes(deps)(app);
  };
}
