import { z } from 'zod';
import { zHttpUrl } from '../../../shared/http-url.ts';

/** The six areas of the DigiCanvis Observatory (seed 002, "By areas"). */
export const AREAS = [
  'first-line-care',
  'services-procedures',
  'social-services',
  'participation-open-government',
  'planning-management',
  'comprehensive-transformation',
] as const;
export type Area = (typeof AREAS)[number];

/** Services; processes and procedures; organisation (seed 002). */
export const PROJECT_TYPES = ['services', 'processes', 'organisation'] as const;
export type ProjectType = (typeof PROJECT_TYPES)[number];

export const PHASES = ['prototype', 'pilot', 'implemented'] as const;
export type Phase = (typeof PHASES)[number];

export const STATUSES = ['draft', 'submitted', 'published', 'archived'] as const;
export type ProjectStatus = (typeof STATUSES)[number];

export const ENTITY_KINDS = ['municipality', 'supramunicipal', 'regional', 'national', 'other'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Population bands in inhabitants; the same cut points as SQL global_population_band(). */
export const POPULATION_BANDS = ['under-1k', '1k-5k', '5k-20k', '20k-50k', '50k-100k', '100k-500k', 'over-500k'] as const;
export type PopulationBand = (typeof POPULATION_BANDS)[number];

export const ROLES = ['member', 'editor', 'moderator'] as const;
export type ObsRole = (typeof ROLES)[number];

export const SORTS = ['relevance', 'distance', 'recent', 'title', 'population', 'savings'] as const;
export type ProjectSort = (typeof SORTS)[number];

const Ine5 = z.string().regex(/^\d{5}$/, 'must be a 5-digit INE municipality code');
const Tag = z.string().trim().min(1).max(60);

export const ZText = z
  .object({ es: z.string().trim().min(1).optional(), ca: z.string().trim().min(1).optional(), en: z.string().trim().min(1).optional() })
  .strict();
export type Text = z.infer<typeof ZText>;

export const ZContact = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: z.string().trim().max(200).optional(),
    email: z.string().email().optional(),
    phone: z.string().max(40).optional(),
  })
  .strict();

export const ZDocument = z
  .object({
    kind: z.enum(['link', 'article', 'file', 'video', 'demo']),
    // Rendered as <a href> by our pages and by anyone reusing the API: http(s) only (LOW-5).
    url: zHttpUrl(),
    title: z.string().trim().min(1).max(300),
    language: z.enum(['es', 'ca', 'en']).optional(),
  })
  .strict();

export const ZForeignEntity = z
  .object({
    kind: z.enum(ENTITY_KINDS).default('other'),
    name: z.string().trim().min(1).max(300),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code'),
    population: z.number().int().min(0).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
  })
  .strict();

export const ZMetrics = z
  .object({
    savedCentsPerYear: z.number().int().min(0).optional(),
    staffHoursSavedPerYear: z.number().int().min(0).optional(),
    citizensServed: z.number().int().min(0).optional(),
    proceduresPerYear: z.number().int().min(0).optional(),
    investmentCents: z.number().int().min(0).optional(),
  })
  .strict();

/** A project as an owner writes it (create, or update with every field optional). */
export const ZProjectInputSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/).optional(),
    title: ZText.refine((t) => Boolean(t.es ?? t.ca ?? t.en), 'a title in at least one language'),
    /** A Spanish municipality from the gazetteer... */
    ine5: Ine5.optional(),
    entityKind: z.enum(ENTITY_KINDS).default('municipality'),
    /** ...or a foreign (or non-municipal) entity. */
    foreignEntity: ZForeignEntity.optional(),
    contacts: z.array(ZContact).max(10).default([]),
    summary: ZText.default({}),
    description: ZText.default({}),
    valueText: ZText.default({}),
    metrics: ZMetrics.default({}),
    barriers: ZText.default({}),
    benefits: ZText.default({}),
    technologies: z.array(Tag).max(30).default([]),
    methodologies: z.array(Tag).max(30).default([]),
    tools: z.array(Tag).max(30).default([]),
    phase: z.enum(PHASES),
    type: z.enum(PROJECT_TYPES),
    area: z.enum(AREAS),
    documentation: z.array(ZDocument).max(50).default([]),
    portfolioSlug: z.string().optional(),
  })
  .strict()
  .refine((p) => p.ine5 !== undefined || p.foreignEntity !== undefined, {
    message: 'either ine5 or foreignEntity',
    path: ['ine5'],
  });
export type ProjectInput = z.infer<typeof ZProjectInputSchema>;

/** An update: any subset of the fields. */
export const ZProjectPatchSchema = z
  .object({
    title: ZText.optional(),
    ine5: Ine5.optional(),
    entityKind: z.enum(ENTITY_KINDS).optional(),
    foreignEntity: ZForeignEntity.optional(),
    contacts: z.array(ZContact).max(10).optional(),
    summary: ZText.optional(),
    description: ZText.optional(),
    valueText: ZText.optional(),
    metrics: ZMetrics.optional(),
    barriers: ZText.optional(),
    benefits: ZText.optional(),
    technologies: z.array(Tag).max(30).optional(),
    methodologies: z.array(Tag).max(30).optional(),
    tools: z.array(Tag).max(30).optional(),
    phase: z.enum(PHASES).optional(),
    type: z.enum(PROJECT_TYPES).optional(),
    area: z.enum(AREAS).optional(),
    documentation: z.array(ZDocument).max(50).optional(),
  })
  .strict();
export type ProjectPatch = z.infer<typeof ZProjectPatchSchema>;

const csv = <T extends z.ZodType<string, string>>(inner: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== ''))
    .pipe(z.array(inner))
    .optional();

/** GET /api/v1/observatory/projects query. Comma-separated lists mean "any of". */
export const ZProjectSearchQuerySchema = z.object({
  q: z.string().trim().max(200).optional(),
  area: csv(z.enum(AREAS)),
  type: csv(z.enum(PROJECT_TYPES)),
  phase: csv(z.enum(PHASES)),
  technology: csv(z.string().max(60)),
  band: csv(z.enum(POPULATION_BANDS)),
  province: csv(z.string().regex(/^\d{2}$/)),
  region: csv(z.string().regex(/^\d{2}$/)),
  country: csv(z.string().regex(/^[A-Z]{2}$/)),
  /** Km0: projects within `km` of this municipality. */
  near: Ine5.optional(),
  km: z.coerce.number().min(0).max(20000).optional(),
  /** Councils like mine: same population band and kind, farther than `minKm` (default 50 km). */
  like: Ine5.optional(),
  minKm: z.coerce.number().min(0).max(20000).optional(),
  includeDemo: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  sort: z.enum(SORTS).optional(),
  lang: z.enum(['es', 'ca', 'en']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ProjectSearchQuery = z.infer<typeof ZProjectSearchQuerySchema>;

export const ZEntitySchema = z.object({
  kind: z.enum(ENTITY_KINDS),
  ine5: z.string().nullable(),
  name: z.string(),
  country: z.string(),
  provinceCode: z.string().nullable(),
  province: z.string().nullable(),
  regionCode: z.string().nullable(),
  region: z.string().nullable(),
  population: z.number().nullable(),
  band: z.enum(POPULATION_BANDS).nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
});
export type EntityView = z.infer<typeof ZEntitySchema>;

/** One search hit: what a list row and a map marker need. */
export const ZProjectSummarySchema = z.object({
  id: z.string(),
  slug: z.string(),
  status: z.enum(STATUSES),
  title: z.string(),
  /** The language the title/summary are actually in (after fallback). */
  textLanguage: z.enum(['es', 'ca', 'en']),
  summary: z.string(),
  area: z.enum(AREAS),
  type: z.enum(PROJECT_TYPES),
  phase: z.enum(PHASES),
  technologies: z.array(z.string()),
  council: ZEntitySchema,
  distanceKm: z.number().optional(),
  savedCentsPerYear: z.number().nullable(),
  adoptionCount: z.number(),
  isDemo: z.boolean(),
  source: z.string(),
  updatedAt: z.string(),
});
export type ProjectSummary = z.infer<typeof ZProjectSummarySchema>;

export const ZProjectSearchResultSchema = z.object({
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  /** The reference council of near=/like=, so the page can say "within 30 km of Alicante". */
  reference: ZEntitySchema.optional(),
  items: z.array(ZProjectSummarySchema),
  facets: z.object({
    area: z.record(z.string(), z.number()),
    type: z.record(z.string(), z.number()),
    phase: z.record(z.string(), z.number()),
  }),
});
export type ProjectSearchResult = z.infer<typeof ZProjectSearchResultSchema>;

/** A documentation file of a project, as the page lists it. */
export const ZProjectFileSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Decided from the bytes when it was uploaded. */
  mimeType: z.string(),
  /** The short name people know the type by: PDF, PNG, DOCX. */
  typeLabel: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  /** Download address (GET; Content-Disposition: attachment). */
  url: z.string(),
  createdAt: z.string(),
});
export type ProjectFile = z.infer<typeof ZProjectFileSchema>;

export const ZProjectFileParamsSchema = z.object({ id: z.string().min(1).max(200), fileId: z.string().uuid() });

const ZLocalized = z.object({ text: z.string(), language: z.enum(['es', 'ca', 'en']).nullable(), all: ZText });

export const ZProjectDetailSchema = ZProjectSummarySchema.extend({
  titleText: ZLocalized,
  summaryText: ZLocalized,
  description: ZLocalized,
  valueText: ZLocalized,
  barriers: ZLocalized,
  benefits: ZLocalized,
  metrics: ZMetrics,
  methodologies: z.array(z.string()),
  tools: z.array(z.string()),
  contacts: z.array(ZContact),
  documentation: z.array(ZDocument),
  /** Uploaded documentation files (reports, slides, spreadsheets). */
  files: z.array(ZProjectFileSchema),
  ownerAccountId: z.string().nullable(),
  attribution: z.string().nullable(),
  portfolio: z.object({ slug: z.string(), title: z.string() }).nullable(),
  adoptions: z.array(
    z.object({ ine5: z.string().nullable(), name: z.string(), stage: z.string(), at: z.string(), note: z.string().nullable() }),
  ),
  version: z.number(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  /** Whether the asking actor may edit / submit / publish it (drives the buttons on the page). */
  can: z.object({ edit: z.boolean(), submit: z.boolean(), publish: z.boolean() }),
});
export type ProjectDetail = z.infer<typeof ZProjectDetailSchema>;

export const ZMunicipalitySchema = z.object({
  ine5: z.string(),
  name: z.string(),
  provinceCode: z.string(),
  province: z.string(),
  regionCode: z.string(),
  region: z.string(),
  population: z.number(),
  band: z.enum(POPULATION_BANDS),
  lat: z.number(),
  lon: z.number(),
});
export type Municipality = z.infer<typeof ZMunicipalitySchema>;

export const ZMunicipalityQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZRegisterSchema = z
  .object({
    email: z.string().email().max(254),
    password: z.string().min(10).max(200),
    displayName: z.string().trim().min(1).max(120),
    handle: z.string().regex(/^[a-zA-Z0-9_.-]{2,40}$/).optional(),
    ine5: Ine5.optional(),
    organisation: z.string().trim().max(200).optional(),
    language: z.enum(['es', 'ca', 'en']).default('es'),
  })
  .strict();
export type RegisterInput = z.infer<typeof ZRegisterSchema>;

export const ZLoginSchema = z.object({ email: z.string().email(), password: z.string().min(1).max(200) }).strict();

export const ZAccountSchema = z.object({
  id: z.string(),
  email: z.string(),
  handle: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  ine5: z.string().nullable(),
  organisation: z.string().nullable(),
  language: z.enum(['es', 'ca', 'en']),
  isVerified: z.boolean(),
  /** Whether the officer gets the daily e-mail digest of unread notifications. */
  wantsDigest: z.boolean(),
});
export type Account = z.infer<typeof ZAccountSchema>;

/** PATCH /api/v1/observatory/account: the signed-in officer's own settings. */
export const ZAccountSettingsSchema = z.object({ wantsDigest: z.boolean().optional() }).strict();
export type AccountSettings = z.infer<typeof ZAccountSettingsSchema>;

export const ZAdoptSchema = z
  .object({
    ine5: Ine5.optional(),
    entityName: z.string().trim().min(1).max(300).optional(),
    stage: z.enum(['interested', 'adopting', 'adopted']).default('adopted'),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();
export type AdoptInput = z.infer<typeof ZAdoptSchema>;

export const ZReviewSchema = z.object({ comment: z.string().trim().max(2000).optional() }).strict();

export const ZHistoryEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actorAccountId: z.string().nullable(),
  /** The officer's display name; null for the system (seeds, importers). */
  actorName: z.string().nullable(),
  action: z.string(),
  statusFrom: z.string().nullable(),
  statusTo: z.string().nullable(),
  /** Field -> before/after; `redacted` when the values are withheld from this reader (contacts, for the public). */
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown(), redacted: z.literal(true).optional() })),
  comment: z.string().nullable(),
});
export type HistoryEntry = z.infer<typeof ZHistoryEntrySchema>;

export const ZNotificationSchema = z.object({
  id: z.number(),
  kind: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type ObsNotification = z.infer<typeof ZNotificationSchema>;

export const ZPortfolioSchema = z.object({
  slug: z.string(),
  ine5: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  budgetCents: z.number().nullable(),
  periodStart: z.number().nullable(),
  periodEnd: z.number().nullable(),
  objectives: z.array(z.object({ key: z.string(), title: z.string() })),
  lines: z.array(
    z.object({
      name: z.string(),
      objective: z.string(),
      budgetCents: z.number().nullable(),
      budgetYear: z.number().nullable(),
      projectSlug: z.string().nullable(),
    }),
  ),
  isDemo: z.boolean(),
});
export type Portfolio = z.infer<typeof ZPortfolioSchema>;
