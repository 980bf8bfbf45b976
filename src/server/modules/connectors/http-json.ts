/**
 * The one JSON-over-HTTP client behind the REST connectors (padrón, tax system, registry, calendar) and the SMS
 * provider: base URL, bearer token, timeout, body reading, contract checks and the one question every caller must
 * answer about a failure, "would trying again later help?". Each adapter keeps only its paths and its contract.
 */
import type { z } from 'zod';
import { AppError } from '../../errors.ts';

/**
 * 4xx answers that say nothing about the item sent, so a later attempt may succeed: a token being rotated (401, 403),
 * a request timeout (408), too early (425), too many requests (429).
 */
const RETRYABLE_4XX: ReadonlySet<number> = new Set([401, 403, 408, 425, 429]);

/** True for an answer that retrying cannot cure: the other system refused the item itself (a 4xx, bar the above). */
export const isPermanentStatus = (status: number): boolean => status >= 400 && status < 500 && !RETRYABLE_4XX.has(status);

/**
 * A failed exchange with another system. `status` is its HTTP answer (undefined when none came: network, timeout);
 * `isPermanent` tells an outbox to stop retrying (see isPermanentError in the outbox sender).
 */
export class HttpJsonError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly isPermanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpJsonError';
  }
}

export interface JsonClientOptions {
  /** Where the system's paths start; trailing slashes are dropped. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string | undefined;
  /** Per request, in ms. */
  timeoutMs: number;
  /** Starts every error message ("tax REST", "SMS provider"): error messages reach logs and outbox rows. */
  label: string;
}

export interface JsonRequest {
  method?: 'GET' | 'POST' | undefined;
  /** Appended as `?name=value&…`, encoded. */
  query?: Record<string, string> | undefined;
  /** Sent as JSON. */
  body?: unknown;
  /** The other system's dedupe key for a retried POST. */
  idempotencyKey?: string | undefined;
}

/** An answer read whole (every body is drained, so the connection is reused). */
export interface JsonAnswer {
  status: number;
  ok: boolean;
  text: string;
}

export type JsonClient = ReturnType<typeof createJsonClient>;

export function createJsonClient(opts: JsonClientOptions) {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const prefix = (what: string) => (what ? `${opts.label} ${what}` : opts.label);

  /**
   * The body, parsed and checked against the contract. A body that is not JSON or breaks the contract is temporary:
   * a system half-way through a deploy, not a refusal of the item. An empty body reads as `{}` where that is allowed.
   */
  function parse<T>(what: string, answer: JsonAnswer, schema: z.ZodType<T>, { isEmptyOk = false }: { isEmptyOk?: boolean } = {}): T {
    let body: unknown;
    try {
      body = answer.text === '' && isEmptyOk ? {} : JSON.parse(answer.text);
    } catch (err) {
      throw new HttpJsonError(`${prefix(what)}: invalid JSON (HTTP ${answer.status})`, answer.status, false, { cause: err });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new HttpJsonError(`${prefix(what)}: body does not match the contract`, answer.status, false);
    return parsed.data;
  }

  return {
    /**
     * Sends one request and reads the answer, whatever its status. No answer at all (refused connection, timeout) is a
     * temporary HttpJsonError.
     */
    async send(what: string, path: string, req: JsonRequest = {}): Promise<JsonAnswer> {
      const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
      const headers: Record<string, string> = { accept: 'application/json' };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      if (req.idempotencyKey !== undefined) headers['idempotency-key'] = req.idempotencyKey;
      try {
        const res = await fetch(`${base}${path}${query}`, {
          method: req.method ?? 'GET',
          headers,
          ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        return { status: res.status, ok: res.ok, text: await res.text() };
      } catch (err) {
        throw new HttpJsonError(`${prefix(what)}: request failed`, undefined, false, { cause: err });
      }
    },

    parse,

    /** The body when it is JSON that matches, else undefined (for answers whose body is optional, like a 409). */
    tryParse<T>(answer: JsonAnswer, schema: z.ZodType<T>): T | undefined {
      try {
        return parse('', answer, schema);
      } catch {
        return undefined;
      }
    },

    /**
     * The error for an answer that is not what the caller wanted: the status and, unless `isBodyShown` is false (it may
     * quote personal data back, as an SMS provider does), up to 300 characters of the body. Permanent for a refusing 4xx.
     */
    refusal(what: string, answer: JsonAnswer, { isBodyShown = true }: { isBodyShown?: boolean } = {}): HttpJsonError {
      const detail = isBodyShown && answer.text ? ` ${answer.text.slice(0, 300)}` : '';
      return new HttpJsonError(`${prefix(what)}: HTTP ${answer.status}${detail}`, answer.status, isPermanentStatus(answer.status));
    },
  };
}

/**
 * For a connector a citizen's request is waiting on (padrón, a tax system's list): any failure is the register being
 * unavailable (503, `code`), the other system's message kept for the log.
 */
export const unavailableAs =
  (code: string) =>
  (err: unknown): never => {
    throw new AppError(code, { status: 503, log: err instanceof Error ? err.message : String(err), cause: err });
  };
