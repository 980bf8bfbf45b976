/**
 * Fuzzes every route the OpenAPI document lists (generated from the routes' zod schemas): valid shapes with
 * hostile values, wrong types, prototype keys, deep nesting and malformed bodies, anonymously and with a
 * citizen, a staff and an observatory session. No answer may be a 5xx. Bounded by a time budget and a request
 * cap (smaller under CI); the sequence is fixed by a seeded PRNG, so a failure replays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRegisters } from './demo/demo-seed.ts';
import { CSRF_HEADER, SESSION_COOKIE, seedDemoIdentities } from './modules/identity/index.ts';
import { ObservatoryService, OBS_CSRF_HEADER } from './modules/observatory/index.ts';
import { createTestApp, type TestApp } from './testing/test-app.ts';
import { seededRandom } from './modules/nlu/index.ts';

const IS_CI = Boolean(process.env.CI);
/** FUZZ_BUDGET_MS and FUZZ_SEED widen a run by hand (e.g. FUZZ_BUDGET_MS=300000 FUZZ_SEED=7); CI keeps the defaults. */
const envNumber = (name: string): number | undefined => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) ? v : undefined;
};
/** Wall-clock budget for sending requests (setup excluded), in ms. */
const BUDGET_MS = envNumber('FUZZ_BUDGET_MS') ?? (IS_CI ? 12_000 : 25_000);
const MAX_REQUESTS = envNumber('FUZZ_BUDGET_MS') ? Number.MAX_SAFE_INTEGER : IS_CI ? 2_000 : 6_000;
const SEED = envNumber('FUZZ_SEED') ?? 0x5eca_2026;
/** An operation that has taken this long in all (ms) gets no more turns (training, speech, signed PDFs). */
const OP_BUDGET_MS = 1_500;

// ---------------------------------------------------------------------------------------------------------
// A small deterministic PRNG (mulberry32).

type Rng = () => number;
const mulberry32: (seed: number) => Rng = seededRandom;
const pick = <T>(rng: Rng, xs: readonly T[]): T => {
  const x = xs[Math.floor(rng() * xs.length)];
  if (x === undefined) throw new Error('pick from an empty list');
  return x;
};
const intBetween = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const uuidOf = (rng: Rng) => {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

// ---------------------------------------------------------------------------------------------------------
// Hostile values.

const HOSTILE_STRINGS: readonly string[] = [
  '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\u202egnp.exe', '\u200b\u200d\ufeff', '\u0085\u2028\u2029', 'e\u0301'.repeat(500),
  '𝕏💩👨‍👩‍👧', '<script>alert(1)</script>', "' OR 1=1 --", '"; DROP TABLE tenants; --', '../../../etc/passwd', '%00', '%2e%2e%2f',
  '${7*7}{{7*7}}', '\r\nSet-Cookie: x=y', '', ' ', 'null', 'NaN', '-1', '١٢٣٤٥', 'İıß', '2026-02-30', '9999-12-31T23:59:59Z',
  'javascript:alert(1)', 'x'.repeat(5_000), 'ñ'.repeat(30_000), '\\u0000', '%', '\\', '__proto__', 'constructor',
];
const HOSTILE_NUMBERS: readonly number[] = [-1, 0, -0, 0.5, 1e308, -1e308, 2 ** 53 + 1, 2_147_483_648, -2_147_483_649, 1e-300, 1e20];
const HOSTILE_QUERY: readonly string[] = ['NaN', 'Infinity', '1e400', '0x10', '-0', '%00', '%FF', '%E2%80%AE', '%ED%A0%80', 'a&b=c', ''];
/** Already percent-encoded path segments. */
const HOSTILE_SEGMENTS: readonly string[] = [
  '%00', 'a%00b', '%FF', '%ED%A0%80', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(3_000), '-1', '1e999', '99999999999999999999', '%E2%80%AEfdp',
  '%F0%9F%92%A9', '00000000-0000-0000-0000-000000000000', '%27%20OR%201%3D1--', '%20', '__proto__', 'constructor', 'NaN',
];
const WRONG_TYPES: readonly unknown[] = [null, true, 0, -1, 'x', [], {}, [1, 'a'], { a: { b: 1 } }];
const MALFORMED: readonly { contentType: string; payload: string | Buffer }[] = [
  { contentType: 'application/json', payload: '{' },
  { contentType: 'application/json', payload: '{"a":}' },
  { contentType: 'application/json', payload: '' },
  { contentType: 'application/json', payload: 'null' },
  { contentType: 'application/json', payload: '[]' },
  { contentType: 'application/json', payload: '"text"' },
  { contentType: 'application/json', payload: '1e999999' },
  { contentType: 'application/json', payload: '{"a":1,"a":2}' },
  { contentType: 'application/json', payload: '\ufeff{}' },
  { contentType: 'application/json', payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]) },
  { contentType: 'application/json', payload: `{"a":${'['.repeat(40)}${']'.repeat(40)}}` },
  { contentType: 'application/json', payload: `{"a":"${'b'.repeat(70_000)}"}` },
  { contentType: 'application/json', payload: `{${Array.from({ length: 2_000 }, (_, i) => `"k${i}":${i}`).join(',')}}` },
  { contentType: 'application/json; charset=latin1', payload: '{}' },
  { contentType: 'text/plain', payload: '{}' },
  { contentType: 'application/x-www-form-urlencoded', payload: 'a=1&__proto__=x' },
  { contentType: 'multipart/form-data; boundary=x', payload: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n' },
  { contentType: 'application/xml', payload: '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>' },
];

// ---------------------------------------------------------------------------------------------------------
// Values from the JSON Schemas of the OpenAPI document.

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Strings that satisfy the patterns our schemas use (first match wins). */
const PATTERN_SAMPLES = [
  '2026-12-15T09:00:00Z', '2026-12-15', '03014', 'ES', '/my', 'fuzz@example.org', '4000000000000001', '+34 600 000 000',
  'REG-2026-000001', 'fuzz_user', 'un-proyecto', '12345', '1234', '00000000-0000-4000-8000-000000000000',
];
/** Realistic values for field names that the generator would otherwise guess badly. */
const BY_NAME: Record<string, readonly Json[]> = {
  card: ['4000000000000002', '4000000000000001'], pin: ['0000', '1234'], tenant: ['alacant', 'medina-rioseco'], lang: ['es', 'ca', 'en'],
  language: ['es', 'ca', 'en'], dni: ['12345678Z', '23456789D'], ine5: ['03014', '47086'], email: ['fuzz@example.org', 'admin@alacant.example.org'],
  serviceId: ['tributos', 'padron'], officeId: ['centre'], url: ['https://example.org/page'], password: ['correct horse battery'],
};

function sampleString(rng: Rng, s: JsonSchema, name: string | undefined): string {
  const named = name ? BY_NAME[name] : undefined;
  const fromName = named ? pick(rng, named) : undefined;
  if (typeof fromName === 'string' && (!s.pattern || new RegExp(s.pattern).test(fromName))) return fromName;
  if (s.format === 'uuid') return uuidOf(rng);
  if (s.format === 'email') return 'fuzz@example.org';
  if (s.format === 'uri') return 'https://example.org/x';
  if (s.format === 'date-time') return '2026-12-15T09:00:00Z';
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    return PATTERN_SAMPLES.find((x) => re.test(x)) ?? 'x';
  }
  const len = Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 24, intBetween(rng, 1, 24)));
  return 'Hola món '.repeat(4).slice(0, len).padEnd(len, 'a');
}

function typesOf(s: JsonSchema): string[] {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === 'string') return [s.type];
  if (s.properties) return ['object'];
  return [];
}

function sample(rng: Rng, s: JsonSchema, name?: string, depth = 0): Json {
  if (s.const !== undefined) return s.const as Json;
  if (s.enum && s.enum.length > 0) return pick(rng, s.enum) as Json;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && alternatives.length > 0) return sample(rng, pick(rng, alternatives), name, depth);
  const types = typesOf(s).filter((t) => t !== 'null');
  const type = types.length > 0 ? pick(rng, types) : 'string';
  switch (type) {
    case 'string':
      return sampleString(rng, s, name);
    case 'integer':
    case 'number': {
      const lo = s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : (s.minimum ?? 0);
      const hi = Math.min(s.maximum ?? lo + 100, lo + 1_000);
      return intBetween(rng, Math.ceil(lo), Math.floor(hi));
    }
    case 'boolean':
      return rng() < 0.5;
    case 'array': {
      if (depth > 6) return [];
      const n = Math.min(s.maxItems ?? 3, Math.max(s.minItems ?? 0, intBetween(rng, 0, 2)));
      return Array.from({ length: n }, () => sample(rng, s.items ?? {}, name, depth + 1));
    }
    case 'object': {
      const out: Record<string, Json> = {};
      if (depth > 6) return out;
      const required = new Set(s.required ?? []);
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        if (required.has(k) || rng() < 0.5) out[k] = sample(rng, v, k, depth + 1);
      }
      if (!s.properties && typeof s.additionalProperties === 'object') out.key = sample(rng, s.additionalProperties, 'key', depth + 1);
      return out;
    }
    default:
      return null;
  }
}

/** encodeURIComponent that also writes lone surrogates (as the bytes of an invalid UTF-8 sequence). */
function encodeAny(s: string): string {
  return Array.from(s, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return '%ED%A0%80';
    }
  }).join('');
}

/** A generated value as it goes into a URL. */
const asText = (v: Json): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Paths to every value in a JSON document (the root is []). */
function leafPaths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => leafPaths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) leafPaths(x, [...at, k], out);
  return out;
}
function setAt(root: Json, at: (string | number)[], value: Json): Json {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  if (Array.isArray(root) && typeof head === 'number') return root.map((x, i) => (i === head ? setAt(x, rest, value) : x));
  if (root !== null && typeof root === 'object' && !Array.isArray(root) && typeof head === 'string') return { ...root, [head]: setAt(root[head] ?? null, rest, value) };
  return root;
}
function valueAt(root: Json, at: (string | number)[]): Json {
  let v: Json = root;
  for (const k of at) {
    if (Array.isArray(v) && typeof k === 'number') v = v[k] ?? null;
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof k === 'string') v = v[k] ?? null;
    else return null;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// Operations from the OpenAPI document.

interface Param { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: JsonSchema }
interface Operation { method: string; path: string; params: Param[]; body?: JsonSchema; isMultipart: boolean }
interface OpenApiDoc { paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>> }

/** Left out, and why: an endless event stream, and a crawl of the council's real website (network). */
const SKIPPED = new Set(['GET /api/v1/conversations/{id}/events', 'POST /api/v1/knowledge/sites/{id}/recrawl']);
/**
 * Operations without any input to vary (no body, no parameters) whose real run costs seconds of CPU: only
 * the refusals (anonymous, citizen) are sent, not the staff member's run.
 */
const NO_STAFF_RUN = new Set(['POST /api/v1/nlu/train', 'POST /api/v1/nlu/retrain']);

/**
 * 5xx answers found by this fuzz whose cause is inside another module (not at the HTTP edge), reported on
 * issue #12 and left to that module's owner. They are printed on every run but do not fail it; remove an
 * entry once its route is fixed.
 */
const KNOWN_5XX: Record<string, string> = {};

/**
 * Run last: they end the sessions the other requests use (signing in again ends the previous session too),
 * or erase the signed-in citizen.
 */
const LAST = new Set([
  'POST /api/v1/auth/logout', 'POST /api/v1/auth/card', 'POST /api/v1/auth/staff', 'GET /api/v1/auth/oidc/callback', 'GET /api/v1/auth/x509',
  'POST /api/v1/observatory/session', 'DELETE /api/v1/observatory/session', 'POST /api/v1/kiosks/wipe', 'POST /api/v1/privacy/erase',
]);

function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const key = `${method.toUpperCase()} ${path}`;
      if (SKIPPED.has(key)) continue;
      const content = op.requestBody?.content ?? {};
      ops.push({
        method: method.toUpperCase(), path, params: op.parameters ?? [],
        body: content['application/json']?.schema, isMultipart: 'multipart/form-data' in content,
      });
    }
  }
  return ops;
}

// ---------------------------------------------------------------------------------------------------------

type Persona = 'anonymous' | 'citizen' | 'staff' | 'officer';
interface Sent { method: string; url: string; headers: Record<string, string>; payload?: string | Buffer }
const CASES = ['valid', 'hostile-string', 'hostile-number', 'wrong-type', 'proto', 'deep', 'extra-keys', 'malformed', 'hostile-param', 'hostile-query'] as const;
type Case = (typeof CASES)[number];

describe('fuzz: every JSON route, hostile values, with and without sessions', () => {
  let ta: TestApp;
  const headersOf: Record<Persona, Record<string, string>> = { anonymous: {}, citizen: {}, staff: {}, officer: {} };
  /** Real ids for path parameters, by parameter name and path, filled from the seeded data. */
  const known = new Map<string, string[]>();
  const remember = (key: string, ...values: (string | number | undefined)[]) => {
    const list = known.get(key) ?? [];
    for (const v of values) if (v !== undefined && v !== '') list.push(String(v));
    known.set(key, list);
  };

  beforeAll(async () => {
    ta = await createTestApp();
    await seedDemoIdentities(ta.t.db);
    await seedDemoRegisters(ta.t.db, ta.t.tenants.map((x) => x.profile));
    const obs = new ObservatoryService({ db: ta.t.db });
    await obs.ensureMunicipalities();

    const card = await ta.app.inject({ method: 'POST', url: '/t/alacant/api/v1/auth/card', payload: { card: '4000000000000001', pin: '1234' } });
    const staff = await ta.app.inject({ method: 'POST', url: '/t/alacant/api/v1/auth/staff', payload: { email: 'admin@alacant.example.org', password: 'demo-admin-alacant' } });
    for (const [persona, res] of [['citizen', card], ['staff', staff]] as const) {
      const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
      if (res.statusCode !== 200 || !c) throw new Error(`${persona} sign-in failed: ${res.statusCode} ${res.body}`);
      headersOf[persona] = { cookie: `${SESSION_COOKIE}=${c.value}`, [CSRF_HEADER]: res.json<{ csrfToken: string }>().csrfToken };
    }
    const email = 'fuzz-officer@example.org';
    const { verificationToken } = await obs.register({ email, password: 'correct horse battery', displayName: 'Fuzz', language: 'es', ine5: '03014' });
    await obs.verifyEmail(verificationToken);
    const login = await ta.app.inject({ method: 'POST', url: '/api/v1/observatory/session', payload: { email, password: 'correct horse battery' } });
    headersOf.officer = { cookie: String(login.headers['set-cookie']).split(';')[0] ?? '', [OBS_CSRF_HEADER]: login.json<{ csrfToken: string }>().csrfToken };

    // Real ids, so that "valid" requests reach the services and not only the 404s.
    const get = async <T>(url: string, who: Persona = 'anonymous') => (await ta.app.inject({ url, headers: headersOf[who] })).json<T>();
    const project = await ta.app.inject({
      method: 'POST', url: '/api/v1/observatory/projects', headers: headersOf.officer,
      payload: { title: { es: 'Proyecto de prueba' }, ine5: '03014', phase: 'pilot', type: 'services', area: 'first-line-care' },
    });
    if (project.statusCode === 201) remember('/api/v1/observatory/projects/{id}:id', project.json<{ id: string; slug: string }>().id, project.json<{ slug: string }>().slug);
    const portfolios = await get<{ slug: string }[]>('/api/v1/observatory/portfolios');
    remember('/api/v1/observatory/portfolios/{id}:id', ...(Array.isArray(portfolios) ? portfolios.map((p) => p.slug) : []));
    remember('/api/v1/observatory/municipalities/{id}:id', '03014', '47086');
    remember('/api/v1/tenants/{id}:id', 'alacant', 'medina-rioseco');
    const thread = await ta.app.inject({ method: 'POST', url: '/api/v1/forum/threads', headers: headersOf.officer, payload: { categoryId: 'general', title: 'Fuzz thread', body: 'Hola' } });
    if (thread.statusCode === 201) {
      const t = thread.json<{ id: string; posts: { id: string }[] }>();
      remember('/api/v1/forum/threads/{id}:id', t.id);
      remember('/api/v1/forum/posts/{id}:id', ...t.posts.map((p) => p.id));
    }
    const filings = await get<{ filings?: { id: string }[] }>('/t/alacant/api/v1/filings', 'citizen');
    remember('/api/v1/filings/{id}:id', ...(filings.filings ?? []).map((f) => f.id));
    const pending = await get<{ items?: { debtId: string }[] }>('/t/alacant/api/v1/payments/pending', 'citizen');
    remember('/api/v1/payments/debts/{id}:id', ...(pending.items ?? []).map((d) => d.debtId));
    remember('debtId', ...(pending.items ?? []).map((d) => d.debtId));
    const conv = await ta.app.inject({ method: 'POST', url: '/t/alacant/api/v1/conversations', headers: headersOf.citizen, payload: {} });
    if (conv.statusCode === 201) {
      const c = conv.json<{ id: string; token: string }>();
      remember('/api/v1/conversations/{id}:id', c.id);
      for (const p of ['anonymous', 'citizen', 'staff', 'officer'] as const) headersOf[p] = { ...headersOf[p], 'x-conversation-token': c.token };
    }
    remember('gateway', 'sandbox', 'redsys');
    remember('card', '4000000000000003');
    remember('outbox', 'registry', 'calendar');
  }, 240_000);
  afterAll(async () => ta?.close());

  it('answers every request below 500 (figures printed: requests, 5xx, slowest)', async () => {
    const doc = (await ta.app.inject({ url: '/api/openapi.json' })).json<OpenApiDoc>();
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(100);

    const rng = mulberry32(SEED);
    const failures: { op: string; persona: Persona; kind: Case; method: string; url: string; status: number; code: string | undefined; body: string }[] = [];
    const statusCounts = new Map<number, number>();
    let sent = 0;
    let slowest = { ms: 0, what: '' };
    const covered = new Set<string>();
    /** Time spent per operation, in ms: the costly ones (training, speech) get fewer turns. */
    const spent = new Map<string, number>();
    const calls = new Map<string, number>();
    const started = performance.now();

    const paramValue = (op: Operation, p: Param): string => {
      const real = known.get(`${op.path}:${p.name}`) ?? known.get(p.name);
      if (real && real.length > 0 && rng() < 0.7) return encodeAny(pick(rng, real));
      return encodeAny(asText(sample(rng, p.schema ?? { type: 'string' }, p.name)));
    };

    const build = (op: Operation, persona: Persona, kind: Case): Sent | undefined => {
      const pathParams = op.params.filter((p) => p.in === 'path');
      const queryParams = op.params.filter((p) => p.in === 'query');
      if (kind === 'hostile-param' && pathParams.length === 0) return undefined;
      if (kind === 'hostile-query' && queryParams.length === 0) return undefined;
      const hasBody = op.body !== undefined || op.isMultipart;
      if (['hostile-number', 'wrong-type', 'proto', 'deep', 'extra-keys'].includes(kind) && !op.body) return undefined;
      if (kind === 'hostile-string' && !op.body && queryParams.length === 0) return undefined;
      if (kind === 'malformed' && op.method === 'GET') return undefined;

      const hostileParam = kind === 'hostile-param' ? pick(rng, pathParams).name : undefined;
      let path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        const p = pathParams.find((x) => x.name === name);
        if (name === hostileParam) return pick(rng, HOSTILE_SEGMENTS);
        return p ? paramValue(op, p) : 'x';
      });
      // Half of the anonymous requests come without the council prefix (council from nowhere, or from the body).
      if (!(persona === 'anonymous' && rng() < 0.5) && path.startsWith('/api/')) path = `/t/alacant${path}`;

      const query: string[] = [];
      for (const p of queryParams) {
        if (!p.required && rng() < 0.5) continue;
        query.push(`${encodeAny(p.name)}=${encodeAny(asText(sample(rng, p.schema ?? { type: 'string' }, p.name)))}`);
      }
      if (kind === 'hostile-query') {
        const p = pick(rng, queryParams);
        const raw = rng() < 0.5 ? pick(rng, HOSTILE_QUERY) : encodeAny(pick(rng, HOSTILE_STRINGS));
        query.push(`${encodeAny(p.name)}=${raw}`, ...(rng() < 0.3 ? [`${encodeAny(p.name)}=x`, '__proto__=1', 'constructor[prototype]=1'] : []));
      }
      if (kind === 'hostile-string' && !op.body) {
        const p = pick(rng, queryParams);
        query.push(`${encodeAny(p.name)}=${encodeAny(pick(rng, HOSTILE_STRINGS))}`);
      }
      const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
      const headers = { ...headersOf[persona] };
      if (op.method === 'GET' || op.method === 'DELETE' || !hasBody) {
        if (kind === 'malformed') {
          const m = pick(rng, MALFORMED);
          return { method: op.method, url, headers: { ...headers, 'content-type': m.contentType }, payload: m.payload };
        }
        return { method: op.method, url, headers };
      }
      if (kind === 'malformed' || !op.body) {
        const m = pick(rng, MALFORMED);
        return { method: op.method, url, headers: { ...headers, 'content-type': m.contentType }, payload: m.payload };
      }

      let body = sample(rng, op.body);
      const paths = leafPaths(body);
      const stringPaths = paths.filter((p) => typeof valueAt(body, p) === 'string');
      const numberPaths = paths.filter((p) => typeof valueAt(body, p) === 'number');
      let raw: string | undefined;
      switch (kind) {
        case 'valid':
        case 'hostile-param':
        case 'hostile-query':
          break;
        case 'hostile-string':
          body = setAt(body, stringPaths.length > 0 ? pick(rng, stringPaths) : pick(rng, paths), pick(rng, HOSTILE_STRINGS));
          break;
        case 'hostile-number':
          body = setAt(body, numberPaths.length > 0 ? pick(rng, numberPaths) : pick(rng, paths), pick(rng, HOSTILE_NUMBERS));
          break;
        case 'wrong-type':
          body = setAt(body, pick(rng, paths), pick(rng, WRONG_TYPES) as Json);
          break;
        case 'deep': {
          const levels = pick(rng, [8, 31, 33, 200]);
          body = setAt(body, pick(rng, paths), JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`) as Json);
          break;
        }
        case 'extra-keys': {
          const extra: Record<string, Json> = {};
          for (let i = 0; i < intBetween(rng, 1, 300); i++) extra[`extra${i}`] = i;
          body = body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, ...extra } : extra;
          break;
        }
        case 'proto': {
          // JSON.stringify drops a literal __proto__ key, so the poisoned keys are written into the text.
          const text = JSON.stringify(body);
          const poison = pick(rng, ['"__proto__":{"isAdmin":true}', '"constructor":{"prototype":{"isAdmin":true}}', '"__proto__":null']);
          raw = text.startsWith('{') && text.length > 2 ? `{${poison},${text.slice(1)}` : `{${poison}}`;
          break;
        }
      }
      return { method: op.method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: raw ?? JSON.stringify(body) };
    };

    const personas: readonly Persona[] = ['anonymous', 'citizen', 'staff', 'officer'];
    /** Sends the case asked for, or the next one that applies to this operation (not every route has a body or parameters). */
    const send = async (op: Operation, persona: Persona, wanted: Case): Promise<void> => {
      let req: Sent | undefined;
      let kind: Case = wanted;
      for (let k = 0; !req && k < CASES.length; k++) {
        kind = CASES[(CASES.indexOf(wanted) + k) % CASES.length] ?? 'valid';
        req = build(op, persona, kind);
      }
      if (!req) return;
      const t0 = performance.now();
      const res = await ta.app.inject({
        method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }),
        // A different address per request, so per-IP limits (5/min on some routes) do not hide the routes' own answers.
        remoteAddress: `10.77.${(sent >> 8) & 255}.${sent & 255}`,
      });
      const ms = performance.now() - t0;
      const opKey = `${op.method} ${op.path}`;
      spent.set(opKey, (spent.get(opKey) ?? 0) + ms);
      calls.set(opKey, (calls.get(opKey) ?? 0) + 1);
      sent++;
      covered.add(`${op.method} ${op.path}`);
      statusCounts.set(res.statusCode, (statusCounts.get(res.statusCode) ?? 0) + 1);
      if (ms > slowest.ms) slowest = { ms, what: `${req.method} ${req.url.slice(0, 120)} (${persona}, ${kind}) -> ${res.statusCode}` };
      if (res.statusCode >= 500) {
        let code: string | undefined;
        try {
          code = res.json<{ error?: { code?: string } }>().error?.code;
        } catch {
          code = undefined;
        }
        const body = req.payload === undefined ? '' : (typeof req.payload === 'string' ? req.payload : req.payload.toString('latin1')).slice(0, 300);
        failures.push({ op: opKey, persona, kind, method: req.method, url: req.url.slice(0, 300), status: res.statusCode, code, body });
      }
    };
    // The observatory session only matters on the observatory's and the forum's routes.
    const personasFor = (op: Operation) =>
      personas.filter((p) => (p !== 'officer' || /^\/api\/v1\/(observatory|forum)\//.test(op.path)) && (p !== 'staff' || !NO_STAFF_RUN.has(`${op.method} ${op.path}`)));
    const isLast = (op: Operation) => LAST.has(`${op.method} ${op.path}`);

    // Round-robin over operations, so that the budget cuts evenly.
    const main = ops.filter((op) => !isLast(op));
    const reserve = IS_CI ? 2_000 : 4_000;
    outer: for (let round = 0; ; round++) {
      for (const [i, op] of main.entries()) {
        if ((spent.get(`${op.method} ${op.path}`) ?? 0) > OP_BUDGET_MS) continue;
        // Cases rotate across operations too, so that even a short budget tries every case somewhere.
        const kind = CASES[(round + i) % CASES.length] ?? 'valid';
        for (const persona of personasFor(op)) {
          if (performance.now() - started > BUDGET_MS - reserve || sent >= MAX_REQUESTS - 100) break outer;
          await send(op, persona, kind);
        }
      }
    }
    // Then the routes that sign in, sign out or erase: they would end the sessions the rest relies on.
    for (const op of ops.filter(isLast)) {
      for (const kind of ['hostile-string', 'wrong-type', 'proto', 'malformed', 'valid'] as const) {
        for (const persona of personasFor(op)) await send(op, persona, kind);
      }
    }

    const elapsed = performance.now() - started;
    const fivexx = failures.length;
    const unknown = failures.filter((f) => KNOWN_5XX[f.op] === undefined);
    console.log(
      `fuzz: ${sent} requests over ${covered.size}/${ops.length} operations in ${(elapsed / 1000).toFixed(1)} s (seed ${SEED.toString(16)}${IS_CI ? ', CI' : ''}); ` +
        `5xx: ${fivexx} (${fivexx - unknown.length} known, owned elsewhere); slowest: ${slowest.ms.toFixed(0)} ms ${slowest.what}; statuses: ${JSON.stringify(Object.fromEntries([...statusCounts].sort((a, b) => a[0] - b[0])))}`,
    );
    const costly = [...spent].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(0)} ms/${calls.get(k) ?? 0}`);
    console.log(`fuzz: most time spent in: ${costly.join('; ')}`);
    for (const f of failures.slice(0, 40)) console.log(`fuzz 5xx${KNOWN_5XX[f.op] ? ` (known: ${KNOWN_5XX[f.op]})` : ''}:`, JSON.stringify(f));
    expect(unknown).toEqual([]);
  }, BUDGET_MS + 150_000);
});
