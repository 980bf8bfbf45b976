import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readObsActor, type ObservatoryService, type ObsSessionOptions } from '../observatory/index.ts';
import {
  ZCategorySchema, ZCreateRequestSchema, ZPostRevisionSchema, ZCreateThreadSchema, ZFlagSchema, ZFlagViewSchema, ZPostSchema, ZReplySchema, ZRequestStatusSchema,
  ZRequestViewSchema, ZResolveFlagSchema, ZThreadDetailSchema, ZThreadListQuerySchema, ZThreadSchema, ZWatchSchema, WATCH_TARGETS,
} from './forum.schemas.ts';
import type { ForumService } from './forum.service.ts';

const tags = ['forum'];
const Id = z.object({ id: z.string().min(1).max(200) });
/** A post may hold 20,000 characters, up to 60 KB in UTF-8 plus JSON escapes: more than the 64 KB default. */
const POST_BODY_LIMIT = 262_144;

/** /api/v1/forum/...: threads, posts, watches, flags and moderation, contact/visit/collaboration requests. */
export function forumRoutes(deps: { forum: ForumService; observatory: ObservatoryService; session: ObsSessionOptions }) {
  const { forum } = deps;
  const actorOf = (req: Parameters<typeof readObsActor>[0]) => readObsActor(req, deps.observatory, deps.session);
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get('/api/v1/forum/categories', { schema: { tags, summary: 'Categories (the six areas and general)', response: { 200: z.array(ZCategorySchema) } } },
      async (req) => forum.categories(req.lang));
    r.get('/api/v1/forum/threads', {
      schema: { tags, summary: 'Threads by category or project, with full-text search', querystring: ZThreadListQuerySchema,
        response: { 200: z.object({ total: z.number(), items: z.array(ZThreadSchema) }) } },
    }, async (req) => forum.listThreads(req.query));
    r.post('/api/v1/forum/threads', {
      bodyLimit: POST_BODY_LIMIT,
      schema: { tags, summary: 'Start a thread, or post on a project\'s thread (its owner is notified)', body: ZCreateThreadSchema, response: { 201: ZThreadDetailSchema } },
    }, async (req, reply) => reply.code(201).send(await forum.createThread(await actorOf(req), req.body, req.lang)));
    r.get('/api/v1/forum/threads/:id', { schema: { tags, summary: 'A thread with its posts', params: Id, response: { 200: ZThreadDetailSchema } } },
      async (req) => forum.getThread(await actorOf(req), req.params.id));
    r.post('/api/v1/forum/threads/:id/posts', { bodyLimit: POST_BODY_LIMIT, schema: { tags, summary: 'Reply (Markdown; @handle mentions notify)', params: Id, body: ZReplySchema, response: { 201: ZPostSchema } } },
      async (req, reply) => reply.code(201).send(await forum.reply(await actorOf(req), req.params.id, req.body.body)));
    r.patch('/api/v1/forum/posts/:id', { bodyLimit: POST_BODY_LIMIT, schema: { tags, summary: 'Edit a post (author or moderator); the old text is kept', params: Id, body: ZReplySchema, response: { 200: ZPostSchema } } },
      async (req) => forum.editPost(await actorOf(req), req.params.id, req.body.body));
    r.get('/api/v1/forum/posts/:id/history', {
      schema: { tags, summary: 'Earlier versions of a post', params: Id,
        response: { 200: z.array(ZPostRevisionSchema) } },
    }, async (req) => forum.postHistory(await actorOf(req), req.params.id));
    r.post('/api/v1/forum/posts/:id/flag', { schema: { tags, summary: 'Flag a post for moderators', params: Id, body: ZFlagSchema, response: { 201: z.object({ id: z.number() }) } } },
      async (req, reply) => reply.code(201).send({ id: await forum.flag(await actorOf(req), req.params.id, req.body.reason, req.body.note) }));
    r.get('/api/v1/forum/moderation/flags', { schema: { tags, summary: 'The moderation queue (moderators)', response: { 200: z.array(ZFlagViewSchema) } } },
      async (req) => forum.moderationQueue(await actorOf(req)));
    r.post('/api/v1/forum/moderation/flags/:id', {
      schema: { tags, summary: 'Uphold (hide the post) or dismiss a flag', params: z.object({ id: z.coerce.number().int() }), body: ZResolveFlagSchema, response: { 204: z.null() } },
    }, async (req, reply) => {
      await forum.resolveFlag(await actorOf(req), req.params.id, req.body.decision);
      return reply.code(204).send(null);
    });
    r.post('/api/v1/forum/watches', { schema: { tags, summary: 'Follow or unfollow a thread, project or category', body: ZWatchSchema, response: { 204: z.null() } } },
      async (req, reply) => {
        await forum.watch(await actorOf(req), req.body.targetType, req.body.targetId, req.body.watch);
        return reply.code(204).send(null);
      });
    r.get('/api/v1/forum/watches', {
      schema: { tags, summary: 'Whether I follow a thread, project or category', querystring: z.object({ targetType: z.enum(WATCH_TARGETS), targetId: z.string().min(1).max(200) }),
        response: { 200: z.object({ watching: z.boolean() }) } },
    }, async (req) => ({ watching: await forum.isWatching(await actorOf(req), req.query.targetType, req.query.targetId) }));
    r.post('/api/v1/observatory/projects/:id/requests', {
      schema: { tags, summary: 'Contact the owner, request a visit or a collaboration (tracked)', params: Id, body: ZCreateRequestSchema, response: { 201: ZRequestViewSchema } },
    }, async (req, reply) => reply.code(201).send(await forum.createRequest(await actorOf(req), req.params.id, req.body)));
    r.get('/api/v1/forum/requests', {
      schema: { tags, summary: 'My requests: received (box=in) or sent (box=out)', querystring: z.object({ box: z.enum(['in', 'out']).default('in') }),
        response: { 200: z.array(ZRequestViewSchema) } },
    }, async (req) => forum.requests(await actorOf(req), req.query.box, req.lang));
    r.post('/api/v1/forum/requests/:id/status', { schema: { tags, summary: 'Accept, decline, complete or cancel a request', params: Id, body: ZRequestStatusSchema, response: { 200: ZRequestViewSchema } } },
      async (req) => forum.setRequestStatus(await actorOf(req), req.params.id, req.body.status, req.body.note));
  };
}
