/**
 * The browser's one way to talk to the server: council base path, JSON, the CSRF header when signed in,
 * and the server's error shape ({ error: { code, message, details? } }) turned into an ApiError.
 */
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
  /** A route that this deployment does not have yet (another module still being built). */
  get isNotAvailable(): boolean {
    return this.status === 404 && (this.code === 'common.not_found' || this.code === 'common.route_not_found' || this.code === 'not_found');
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

async function toError(res: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // Not JSON (a proxy page): keep the status.
  }
  return new ApiError(res.status, body.error?.code ?? `http.${res.status}`, body.error?.message ?? res.statusText, body.error?.details ?? []);
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
