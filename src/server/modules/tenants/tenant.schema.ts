import { z } from 'zod';
import { zIsoDay } from '../../../shared/iso-day.ts';
import { zHttpUrl } from '../../../shared/http-url.ts';
import { LANGUAGES } from '../../../shared/languages.ts';
import { PROCEDURE_INTENTS as PROCEDURES } from '../../../shared/procedures.ts';
import { contrastRatio, parseHexColor } from '../../../shared/contrast.ts';

const Language = z.enum(LANGUAGES);
/** Text in several languages; which ones are required is checked against the tenant's languages. */
export const ZLocalizedText = z
  .object({ es: z.string().min(1).optional(), ca: z.string().min(1).optional(), en: z.string().min(1).optional() })
  .strict();
export type LocalizedText = z.infer<typeof ZLocalizedText>;

const HexColor = z.string().refine((v) => parseHexColor(v) !== undefined, 'must be a colour like #1a5e9a');
const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');
const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const IsoDate = zIsoDay('must be a calendar day, YYYY-MM-DD');
const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export const ZOpeningHours = z
  .object({ days: z.array(Weekday).min(1), open: HourMinute, close: HourMinute })
  .strict()
  .refine((h) => h.open < h.close, { message: 'open must be before close', path: ['close'] });

export const ZCoordinates = z
  .object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
  .strict();

export const ZOffice = z
  .object({
    id: Slug,
    names: ZLocalizedText,
    address: z.string().min(1),
    coordinates: ZCoordinates,
    openingHours: z.array(ZOpeningHours).min(1),
    /** Office-specific closed days, added to the council's holidays. */
    holidays: z.array(IsoDate).default([]),
    /** Words citizens use for this office ("la de Benalua", "Centre") to recognise it in chat. */
    aliases: z.array(z.string()).default([]),
  })
  .strict();

export const ZAppointmentService = z
  .object({
    id: Slug,
    names: ZLocalizedText,
    descriptions: ZLocalizedText.optional(),
    /** individual: one citizen a place; group: a session with many places (courses). */
    kind: z.enum(['individual', 'group']).default('individual'),
    offices: z.array(Slug).min(1),
    slotMinutes: z.number().int().min(5).max(480),
    /** Places per slot and office (counters, or seats in a group session). */
    capacity: z.number().int().min(1).max(500),
    /** Hours for this service when narrower than the office's. */
    openingHours: z.array(ZOpeningHours).optional(),
    /** How far ahead citizens may book, in days. */
    bookingWindowDays: z.number().int().min(1).max(365).default(60),
  })
  .strict();

export { PROCEDURE_INTENTS as PROCEDURES, type ProcedureIntent as ProcedureId } from '../../../shared/procedures.ts';

export const ZTaxType = z
  .object({
    code: z.string().regex(/^[A-Z0-9_]{2,20}$/, 'must be an upper-case code like IBI'),
    names: ZLocalizedText,
    kind: z.enum(['receipt', 'liquidation', 'self_assessment', 'fine']),
  })
  .strict();

export const ZDepartment = z.object({ id: Slug, names: ZLocalizedText }).strict();

// Every address in a profile is http(s) only (LOW-5): they become links on pages, /ask sources and request targets.
export const ZWebsite = z
  .object({
    url: zHttpUrl(),
    /** Hours between scheduled recrawls; 0 turns scheduling off. */
    recrawlHours: z.number().int().min(0).max(24 * 90).default(24),
    maxPages: z.number().int().min(1).max(100_000).default(2000),
  })
  .strict();

export const ZKiosk = z
  .object({
    id: Slug,
    names: ZLocalizedText,
    officeId: Slug.optional(),
    address: z.string().optional(),
    coordinates: ZCoordinates,
    /** SHA-256 (hex) of the kiosk's secret token; the token itself never sits in a profile. */
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
    /** Staff assist at this kiosk during these hours (Alicante: 10-13 h). */
    staffedHours: z.array(ZOpeningHours).default([]),
  })
  .strict();

export const ZCustomIntent = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'must look like "library.card"'),
    utterances: z.object({ es: z.array(z.string()).default([]), ca: z.array(z.string()).default([]), en: z.array(z.string()).default([]) }).strict(),
    answer: ZLocalizedText,
    link: zHttpUrl().optional(),
  })
  .strict();

/** Secrets never sit in a profile: it names an environment variable (CONNECTOR_…) that holds them. */
const SecretEnv = z.string().regex(/^CONNECTOR_[A-Z0-9_]+$/, 'must name an environment variable starting with CONNECTOR_ (the secret itself never goes in the profile)');
const ZEmbeddedConnector = z.object({ kind: z.literal('embedded') }).strict();
/** A council's own system over REST/JSON (the same shape for every register). */
const ZRestConnector = z
  .object({
    kind: z.literal('rest'),
    baseUrl: zHttpUrl(),
    /** The variable holding the bearer token. */
    tokenEnv: SecretEnv.optional(),
    timeoutMs: z.number().int().min(100).max(60_000).optional(),
  })
  .strict();
const ZPadronConnectorConfig = z.discriminatedUnion('kind', [
  ZEmbeddedConnector,
  ZRestConnector,
  z
    .object({
      kind: z.literal('rpa'),
      baseUrl: zHttpUrl(),
      userEnv: SecretEnv,
      passwordEnv: SecretEnv,
      timeoutMs: z.number().int().min(500).max(120_000).optional(),
      maxConcurrent: z.number().int().min(1).max(8).optional(),
    })
    .strict(),
]);
export type PadronConnectorConfig = z.infer<typeof ZPadronConnectorConfig>;
const ZTaxConnectorConfig = z.discriminatedUnion('kind', [
  ZEmbeddedConnector,
  ZRestConnector,
]);
export type TaxConnectorConfig = z.infer<typeof ZTaxConnectorConfig>;
/** embedded: our database is the council's registry; rest: every filing is also delivered to its own registry. */
const ZFilingsConnectorConfig = z.discriminatedUnion('kind', [ZEmbeddedConnector, ZRestConnector]);
export type FilingsConnectorConfig = z.infer<typeof ZFilingsConnectorConfig>;
/** embedded: our database is the council's calendar; rest: every booking, cancellation and reschedule is mirrored to its own system. */
const ZAppointmentsConnectorConfig = z.discriminatedUnion('kind', [ZEmbeddedConnector, ZRestConnector]);
export type AppointmentsConnectorConfig = z.infer<typeof ZAppointmentsConnectorConfig>;

/** Which system holds each register for this council (docs/connectors.md). The embedded database by default. */
const ZConnectors = z
  .object({
    padron: ZPadronConnectorConfig.default({ kind: 'embedded' }),
    taxes: ZTaxConnectorConfig.default({ kind: 'embedded' }),
    filings: ZFilingsConnectorConfig.default({ kind: 'embedded' }),
    appointments: ZAppointmentsConnectorConfig.default({ kind: 'embedded' }),
  })
  .strict();

/**
 * How this council's citizens pay by card (docs/connectors.md, "Payments"): the embedded sandbox unless the profile
 * names a Redsys merchant. The merchant secret stays out of the profile: it names a CONNECTOR_* variable.
 */
const ZPaymentGatewayConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sandbox') }).strict(),
  z
    .object({
      kind: z.literal('redsys'),
      /** The Redsys form address, test (https://sis-t.redsys.es:25443/sis/realizarPago) or real (https://sis.redsys.es/sis/realizarPago). */
      url: zHttpUrl(),
      /** The FUC, 9 digits. */
      merchantCode: z.string().regex(/^\d{9}$/, 'must be the 9-digit merchant code (FUC)'),
      terminal: z.string().regex(/^\d{1,3}$/, 'must be the terminal number (1-3 digits)'),
      /** ISO 4217 numeric; 978 (euro) when absent. */
      currency: z.string().regex(/^\d{3}$/, 'must be an ISO 4217 numeric code like 978').optional(),
      merchantName: z.string().min(1).max(25).optional(),
      /** The variable holding the merchant's secret key (base64, from the Redsys console). */
      secretEnv: SecretEnv,
      /**
       * Refunds of charges no receipt kept (paid twice, late, wrong amount): 'auto' sends them to Redsys's REST service
       * (refunds must be enabled for the merchant); 'manual' (default) leaves them to staff on the console.
       */
      refunds: z.enum(['auto', 'manual']).optional(),
    })
    .strict(),
]);
export type PaymentGatewayConfig = z.infer<typeof ZPaymentGatewayConfig>;
const ZPayments = z.object({ gateway: ZPaymentGatewayConfig.default({ kind: 'sandbox' }) }).strict();

export const ZTenantProfile = z
  .object({
    id: Slug,
    /** 5-digit INE municipality code, links the council to the gazetteer and the observatory. */
    ineCode: z.string().regex(/^\d{5}$/, 'must be the 5-digit INE code').optional(),
    names: ZLocalizedText,
    languages: z.array(Language).min(1),
    defaultLanguage: Language,
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone like Europe/Madrid'),
    routing: z
      .object({ hostnames: z.array(z.string().min(1)).default([]), pathPrefix: z.boolean().default(true) })
      .strict()
      .default({ hostnames: [], pathPrefix: true }),
    branding: z
      .object({
        primaryColor: HexColor,
        onPrimaryColor: HexColor,
        backgroundColor: HexColor.default('#ffffff'),
        textColor: HexColor.default('#1a1a1a'),
        /** Path relative to the profile file, SVG or PNG. */
        logo: z.string().optional(),
      })
      .strict(),
    offices: z.array(ZOffice).min(1),
    holidays: z.array(IsoDate).default([]),
    appointmentServices: z.array(ZAppointmentService).default([]),
    appointments: z
      .object({
        /**
         * Appointments one citizen may hold at once for one service (booked and not ended yet), so that nobody can
         * take every slot (MEDIUM-8). Moving an appointment to another slot does not count as a new one.
         */
        maxOpenPerService: z.number().int().min(1).max(50).default(2),
      })
      .strict()
      .default({ maxOpenPerService: 2 }),
    procedures: z.array(z.enum(PROCEDURES)).default([...PROCEDURES]),
    taxes: z.array(ZTaxType).default([]),
    departments: z.array(ZDepartment).default([]),
    websites: z.array(ZWebsite).default([]),
    contact: z
      .object({
        phone: z.string().optional(),
        email: z.string().email().optional(),
        web: zHttpUrl().optional(),
        /** When people answer hand-offs; outside these a callback is offered. */
        staffHours: z.array(ZOpeningHours).default([]),
      })
      .strict(),
    kiosks: z.array(ZKiosk).default([]),
    intents: z.array(ZCustomIntent).default([]),
    retention: z.object({ transcriptDays: z.number().int().min(1).max(3650).default(365) }).strict().default({ transcriptDays: 365 }),
    connectors: ZConnectors.default({ padron: { kind: 'embedded' }, taxes: { kind: 'embedded' }, filings: { kind: 'embedded' }, appointments: { kind: 'embedded' } }),
    payments: ZPayments.default({ gateway: { kind: 'sandbox' } }),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!p.languages.includes(p.defaultLanguage)) {
      ctx.addIssue({ code: 'custom', path: ['defaultLanguage'], message: `must be one of the enabled languages (${p.languages.join(', ')})` });
    }
    const needAll = (text: LocalizedText | undefined, at: (string | number)[]) => {
      if (!text) return;
      for (const lang of p.languages) {
        if (!text[lang]) ctx.addIssue({ code: 'custom', path: [...at, lang], message: `missing the ${lang} text (the council has ${lang} enabled)` });
      }
    };
    needAll(p.names, ['names']);
    p.offices.forEach((o, i) => needAll(o.names, ['offices', i, 'names']));
    p.appointmentServices.forEach((s, i) => needAll(s.names, ['appointmentServices', i, 'names']));
    p.taxes.forEach((s, i) => needAll(s.names, ['taxes', i, 'names']));
    p.departments.forEach((s, i) => needAll(s.names, ['departments', i, 'names']));
    p.kiosks.forEach((s, i) => needAll(s.names, ['kiosks', i, 'names']));
    const officeIds = new Set(p.offices.map((o) => o.id));
    p.appointmentServices.forEach((s, i) =>
      s.offices.forEach((o, j) => {
        if (!officeIds.has(o)) ctx.addIssue({ code: 'custom', path: ['appointmentServices', i, 'offices', j], message: `unknown office "${o}"` });
      }),
    );
    p.kiosks.forEach((k, i) => {
      if (k.officeId && !officeIds.has(k.officeId)) ctx.addIssue({ code: 'custom', path: ['kiosks', i, 'officeId'], message: `unknown office "${k.officeId}"` });
    });
    const dupes = (ids: string[], at: string) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [at, i, 'id'], message: `duplicate id "${id}"` });
        seen.add(id);
      });
    };
    dupes(p.offices.map((o) => o.id), 'offices');
    dupes(p.appointmentServices.map((o) => o.id), 'appointmentServices');
    dupes(p.kiosks.map((o) => o.id), 'kiosks');
    const b = p.branding;
    const pairs: [string, string, string][] = [
      ['onPrimaryColor', b.onPrimaryColor, b.primaryColor],
      ['textColor', b.textColor, b.backgroundColor],
    ];
    for (const [field, fg, bg] of pairs) {
      const ratio = contrastRatio(fg, bg);
      if (ratio < 4.5) {
        ctx.addIssue({ code: 'custom', path: ['branding', field], message: `contrast ${ratio.toFixed(2)}:1 is below the 4.5:1 WCAG AA minimum` });
      }
    }
  });

export type TenantProfile = z.infer<typeof ZTenantProfile>;
export type Office = z.infer<typeof ZOffice>;
export type AppointmentService = z.infer<typeof ZAppointmentService>;
export type Kiosk = z.infer<typeof ZKiosk>;
export type OpeningHours = z.infer<typeof ZOpeningHours>;
