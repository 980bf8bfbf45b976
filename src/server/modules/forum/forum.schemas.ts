import { z } from 'zod';
import { zIsoDay } from '../../../shared/iso-day.ts';

export const FLAG_REASONS = ['spam', 'abuse', 'off-topic', 'personal-data', 'other'] as const;
export const REQUEST_KINDS = ['contact', 'visit', 'collaboration'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const REQUEST_STATUSES = ['open', 'accepted', 'declined', 'done', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const WATCH_TARGETS = ['thread', 'project', 'category'] as const;
export type WatchTarget = (typeof WATCH_TARGETS)[number];

const Body = z.string().trim().min(1).max(20_000);

export const ZCreateThreadSchema = z
  .object({
    /** A category (area or "general"); for a project thread it defaults to the project's area. */
    categoryId: z.string().optional(),
    /** Discuss this project: the post goes to the project's thread (created on first use). */
    projectId: z.string().optional(),
    title: z.string().trim().min(3).max(200).optional(),
    body: Body,
  })
  .strict()
  .refine((t) => t.projectId !== undefined || (t.categoryId !== undefined && t.title !== undefined), {
    message: 'a free thread needs categoryId and title',
    path: ['title'],
  });
export type CreateThreadInput = z.infer<typeof ZCreateThreadSchema>;

export const ZReplySchema = z.object({ body: Body }).strict();
export const ZFlagSchema = z.object({ reason: z.enum(FLAG_REASONS), note: z.string().trim().max(1000).optional() }).strict();
export const ZResolveFlagSchema = z.object({ decision: z.enum(['upheld', 'dismissed']) }).strict();
export const ZWatchSchema = z.object({ targetType: z.enum(WATCH_TARGETS), targetId: z.string().min(1), watch: z.boolean().default(true) }).strict();

export const ZCreateRequestSchema = z
  .object({
    kind: z.enum(REQUEST_KINDS),
    message: z.string().trim().min(1).max(5000),
    proposedDate: zIsoDay().optional(),
  })
  .strict();
export type CreateRequestInput = z.infer<typeof ZCreateRequestSchema>;
export const ZRequestStatusSchema = z.object({ status: z.enum(REQUEST_STATUSES), note: z.string().trim().max(2000).optional() }).strict();

export const ZThreadListQuerySchema = z.object({
  categoryId: z.string().optional(),
  projectId: z.string().optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ThreadListQuery = z.infer<typeof ZThreadListQuerySchema>;

export const ZPostSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  author: z.object({ id: z.string(), handle: z.string(), displayName: z.string() }),
  bodyMd: z.string(),
  /** Sanitised HTML, safe to inject. */
  bodyHtml: z.string(),
  isHidden: z.boolean(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
});
export type Post = z.infer<typeof ZPostSchema>;

export const ZThreadSchema = z.object({
  id: z.string(),
  categoryId: z.string(),
  projectId: z.string().nullable(),
  projectSlug: z.string().nullable(),
  title: z.string(),
  authorAccountId: z.string().nullable(),
  postCount: z.number(),
  isLocked: z.boolean(),
  createdAt: z.string(),
  lastPostAt: z.string(),
});
export type Thread = z.infer<typeof ZThreadSchema>;

export const ZThreadDetailSchema = ZThreadSchema.extend({ posts: z.array(ZPostSchema) });
export type ThreadDetail = z.infer<typeof ZThreadDetailSchema>;

export const ZCategorySchema = z.object({ id: z.string(), name: z.string(), threadCount: z.number() });

const ZPerson = z.object({ handle: z.string(), displayName: z.string() });

export const ZFlagViewSchema = z.object({
  id: z.number(),
  postId: z.string(),
  threadId: z.string(),
  threadTitle: z.string(),
  reason: z.string(),
  note: z.string().nullable(),
  status: z.string(),
  reporterAccountId: z.string(),
  /** Who flagged the post. */
  reporter: ZPerson,
  /** Who wrote the flagged post. */
  postAuthor: ZPerson,
  /** The post's Markdown (moderators see it even when hidden). */
  bodyMd: z.string(),
  isPostHidden: z.boolean(),
  createdAt: z.string(),
});
export type FlagView = z.infer<typeof ZFlagViewSchema>;

export const ZPostRevisionSchema = z.object({ bodyMd: z.string(), replacedAt: z.string(), editorAccountId: z.string().nullable() });
export type PostRevision = z.infer<typeof ZPostRevisionSchema>;

export const ZRequestViewSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  kind: z.enum(REQUEST_KINDS),
  fromAccountId: z.string(),
  toAccountId: z.string().nullable(),
  message: z.string(),
  proposedDate: z.string().nullable(),
  status: z.enum(REQUEST_STATUSES),
  statusHistory: z.array(z.object({ status: z.string(), at: z.string(), by: z.string().nullable(), note: z.string().nullable() })),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** In lists: the project's slug and title, who sent it and who it went to (null: the observatory's editors). */
  project: z.object({ slug: z.string(), title: z.string() }).optional(),
  fromName: z.string().optional(),
  toName: z.string().nullable().optional(),
});
export type RequestView = z.infer<typeof ZRequestViewSchema>;
