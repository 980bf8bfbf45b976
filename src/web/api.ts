/**
 * The browser's one way to talk to the server: `client`, typed by the generated contract
 * (src/shared/api/openapi.d.ts, from the server's zod schemas), with the council base path, JSON, the CSRF
 * header when signed in, and the server's error shape ({ error: { code, message, details? } }) turned into an
 * ApiError by `ok()`.
 */
import createClient, { createQuerySerializer, type Client, type ClientPathsWithMethod, type MaybeOptionalInit, type Middleware } from 'openapi-fetch';
import type { ApiResponse, paths } from '../shared/api/contract.ts';
import type { Language } from '../shared/languages.ts';

export interface ApiErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ApiErrorDetail[];
  constructor(status: number, code: string, message: string, details: ApiErrorDetail[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
  /** The message for one form field (body.<field>), if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.path === `body.${field}` || d.path.endsWith(`.${field}`))?.message;
  }
}

let basePath = '';
let csrfToken: string | null = null;
/**
 * The session provider's load of "who am I" and the CSRF token, while it runs. A state-changing request sent
 * meanwhile (a fast click right after a page load) would go without the token and be refused, so it waits for
 * that load; when no load is running (sessionless pages, kiosk activation) nothing waits.
 */
let sessionLoad: Promise<void> | null = null;
export function trackSessionLoad(load: Promise<void>): void {
  const tracked = load.finally(() => {
    if (sessionLoad === tracked) sessionLoad = null;
  });
  sessionLoad = tracked;
}

export function configureApi(opts: { basePath: string }): void {
  basePath = opts.basePath;
}
export function apiUrl(path: string): string {
  return `${basePath}${path}`;
}
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: ApiErrorDetail[] };
}

function errorFrom(status: number, statusText: string, parsed: unknown): ApiError {
  // Not JSON (a proxy page) arrives as text: keep the status.
  const body: ErrorBody = parsed && typeof parsed === 'object' ? parsed : {};
  return new ApiError(status, body.error?.code ?? `http.${status}`, body.error?.message ?? statusText, body.error?.details ?? []);
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON: keep the status.
  }
  return errorFrom(res.status, res.statusText, body);
}

/** A Request under the council's base path (read at each call: configureApi runs after this module loads). */
class CouncilRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' ? apiUrl(input) : input, init);
  }
}

const sessionHeaders: Middleware = {
  async onRequest({ request }) {
    if (request.method === 'GET') return undefined;
    if (!csrfToken && sessionLoad) await sessionLoad;
    if (csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

/**
 * The typed client: `ok(client.GET('/api/v1/filings'))`. Paths, parameters, bodies and answers are checked
 * against the contract at compile time; a route whose schema changes is a type error here.
 */
export const client: Client<paths, 'application/json'> = createClient<paths, 'application/json'>({
  Request: CouncilRequest,
  credentials: 'same-origin',
  headers: { accept: 'application/json' },
});
client.use(sessionHeaders);

/**
 * The answer of a typed call, or an ApiError with the server's code and translated message. An answer with no
 * body (204) is undefined.
 */
export async function ok<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw errorFrom(response.status, response.statusText, error);
  return data as T;
}

const defaultQuery = createQuerySerializer();

/**
 * Asks for the answer in `lang` (`?lang=`, which the server's context reads on every route although the route
 * schemas do not declare it): the page's language wins over a lang cookie another tab or a kiosk visitor left.
 */
export function inLanguage(lang: Language): { querySerializer: (query: Record<string, unknown>) => string } {
  return {
    querySerializer: (query) => {
      const rest = defaultQuery(query);
      return rest ? `${rest}&lang=${lang}` : `lang=${lang}`;
    },
  };
}

/** Paths that answer GET. */
export type GetPath = ClientPathsWithMethod<typeof client, 'get'>;
/** The parameters of `GET path` (path, query), an abort signal, and the language of the answer. */
export type GetInit<P extends GetPath> = MaybeOptionalInit<paths[P], 'get'> & { lang?: Language };

/** A typed GET, for loaders that take a path chosen at run time (useGet). */
export function get<P extends GetPath>(path: P, init?: GetInit<P>): Promise<ApiResponse<P>> {
  // openapi-fetch's overloads cannot follow a path that is itself generic; P gives the answer its type back.
  const untyped = client.GET as (p: string, i?: object) => Promise<{ data?: ApiResponse<P>; error?: unknown; response: Response }>;
  const { lang, ...rest } = init ?? {};
  return ok(untyped(path, lang ? { ...rest, ...inLanguage(lang) } : rest));
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; form?: FormData; signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<T> {
  const method = init.method ?? (init.body !== undefined || init.form ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && !csrfToken && sessionLoad) await sessionLoad;
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(apiUrl(path), {
    method,
    headers,
    credentials: 'same-origin',
    body: init.form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    signal: init.signal,
  });
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : undefined) as T;
}
