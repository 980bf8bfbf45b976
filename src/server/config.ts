import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Every variable is documented here and in the README's table;
 * a bad value stops the start with a message naming the variable and the problem.
 */
const ZEnv = z.object({
  /** TCP port for HTTP (0 picks a free one). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind; 0.0.0.0 in containers. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** The address citizens use (links in PDFs, QR codes, e-mails). Defaults to http://localhost:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /** Where the embedded database, secrets and uploaded files live. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** A PostgreSQL server (postgres://user@host:port/db). Without it the embedded PGlite in DATA_DIR is used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** Optional Redis (redis://host:port) for pub/sub between instances and shared rate limits. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** The folder of council profiles (*.yaml, *.json). */
  TENANTS_DIR: z.string().min(1).default('./tenants'),
  /** trace, debug, info, warn, error, fatal or silent. */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Signs cookies; at least 32 characters. Generated and kept in DATA_DIR/secrets when not given. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Requests per minute per client IP on the API. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** SMTP server for e-mails (smtp://host:port). Without it e-mails are written to DATA_DIR/outbox. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  /** Sender address for e-mails. */
  MAIL_FROM: z.string().default('Ventanilla <no-reply@ventanilla.localhost>'),
  /** An SMS provider's HTTP endpoint: payment reminders by SMS POST {to, text, from?} as JSON there. SMS is off when unset. */
  SMS_URL: z.string().url().optional(),
  /** Bearer token for SMS_URL. */
  SMS_TOKEN: z.string().min(1).optional(),
  /** The sender name or number the SMS provider shows (alphanumeric: at most 11 characters). */
  SMS_FROM: z.string().min(1).max(16).optional(),
  /** Port of the HTTPS endpoint that asks for a citizen certificate (DNIe, FNMT); off when unset. */
  TLS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** PEM certificate and key for the TLS_PORT server; the demo CA issues one for localhost when unset. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** PEM bundle of the CAs trusted for citizen certificates (e.g. AC RAIZ DNIE 2 + FNMT); the demo CA when unset. */
  CLIENT_CA_FILE: z.string().min(1).optional(),
  /** Optional CRL (PEM or DER) signed by a CA in CLIENT_CA_FILE; listed certificates are refused. */
  CLIENT_CRL_FILE: z.string().min(1).optional(),
  /**
   * The reverse proxies whose X-Forwarded-* (and client-certificate header) are believed: comma-separated
   * IPs or CIDRs, or "loopback", "linklocal", "uniquelocal". Anyone else's forwarded headers are ignored, so
   * nobody can pick their rate-limit address or hand in a certificate header by reaching the port directly.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('loopback')
    .refine((v) => v.split(',').every((p) => /^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/i.test(p.trim())), 'must be comma-separated IPs or CIDRs, or loopback/linklocal/uniquelocal'),
  /** Behind a TLS-terminating proxy: the header carrying the client certificate PEM (e.g. x-ssl-client-cert), believed only from TRUSTED_PROXIES. The proxy must also strip it from clients. */
  TRUST_PROXY_CLIENT_CERT_HEADER: z.string().regex(/^[a-z0-9-]+$/i, 'must be a header name').optional(),
  /**
   * When set, /metrics answers only requests with `Authorization: Bearer <this value>` (at least 16 characters): for a
   * server reachable from outside without a proxy that hides /metrics. Unset, /metrics is open, as Prometheus expects.
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** OpenID Connect (Cl@ve-like) per council, JSON: {"<tenant>": {"issuer", "clientId", "clientSecret", "dniClaim"?, "scope"?}}. Off when unset. */
  OIDC_PROVIDERS: z.string().optional(),
  /** Load the demo citizens, cards and staff of data/demo into the demo councils on start (only into empty tables). */
  DEMO_DATA: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')])
    .default(true),
  /** Keep uploaded files in an S3-compatible bucket instead of DATA_DIR/files. Needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY. */
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name').optional(),
  /** The S3-compatible endpoint (MinIO, Garage, Ceph RGW…); leave unset for AWS. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** A key prefix when several installations share one bucket. */
  S3_PREFIX: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'must be path segments of letters, digits, . _ -').optional(),
  /** Path-style URLs (endpoint/bucket/key), which most self-hosted servers need; false for virtual-hosted style. */
  S3_FORCE_PATH_STYLE: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')])
    .default(true),
  /** production turns on secure cookies and HSTS; set it behind HTTPS. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /**
   * The sandbox gateway takes no money, yet marks receipts paid and seals them. In production a council that
   * offers payments must name a real gateway, unless this is true (a public demo).
   */
  ALLOW_SANDBOX_PAYMENTS: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')])
    .default(false),
});

export type Env = z.infer<typeof ZEnv>;

export interface Config extends Omit<Env, 'SESSION_SECRET' | 'PUBLIC_URL'> {
  PUBLIC_URL: string;
  SESSION_SECRET: string;
  /** Absolute DATA_DIR. */
  dataDir: string;
  /** Absolute TENANTS_DIR. */
  tenantsDir: string;
  /**
   * SEAL_P12_<COUNCIL> (path to the council seal's PKCS#12) and SEAL_P12_PASSWORD_<COUNCIL>, e.g.
   * SEAL_P12_ALACANT. Councils without one get a generated demo seal. Kept apart: names depend on the councils.
   */
  sealEnv: Record<string, string>;
  /** CONNECTOR_* variables: the secrets (tokens, passwords) that council profiles name for their connectors. */
  connectorEnv: Record<string, string>;
  /**
   * The site is served over HTTPS only: cookies carry Secure, and HSTS and upgrade-insecure-requests are sent. True in
   * production and whenever PUBLIC_URL is https, so a deployment behind TLS gets it even without NODE_ENV=production;
   * plain-http development on localhost keeps working.
   */
  isHttpsOnly: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

function loadOrCreateSecret(dataDir: string): string {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** Validates the environment once; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Env> = {}): Config {
  const parsed = ZEnv.safeParse({ ...pickDefined(env), ...overrides });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })));
  }
  const e = parsed.data;
  if (e.S3_BUCKET) {
    const missing = (['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(missing.map((variable) => ({ variable, message: 'required when S3_BUCKET is set' })));
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const dataDir = path.resolve(e.DATA_DIR);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new ConfigError([{ variable: 'DATA_DIR', message: `cannot create ${dataDir}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` }]);
  }
  return {
    ...e,
    PUBLIC_URL: publicUrl,
    SESSION_SECRET: e.SESSION_SECRET ?? loadOrCreateSecret(dataDir),
    dataDir,
    tenantsDir: path.resolve(e.TENANTS_DIR),
    sealEnv: withPrefix(env, 'SEAL_P12_'),
    connectorEnv: withPrefix(env, 'CONNECTOR_'),
    isHttpsOnly: e.NODE_ENV === 'production' || publicUrl.startsWith('https:'),
  };
}

function withPrefix(env: NodeJS.ProcessEnv, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[0].startsWith(prefix) && typeof kv[1] === 'string'));
}

function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(ZEnv.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}
