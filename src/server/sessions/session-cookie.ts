/**
 * The HTTP side of the session kernel: the signed cookie that carries the token, and the CSRF check on unsafe
 * methods. The cookie is httpOnly, SameSite=Lax, Secure in production (or with an https PUBLIC_URL), path '/',
 * and signed by @fastify/cookie with SESSION_SECRET, so a forged value is never even looked up.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SessionCookie {
  readonly name: string;
  /** The token, when the cookie is there and its signature holds. */
  read(req: FastifyRequest): string | undefined;
  set(reply: FastifyReply, token: string): void;
  clear(reply: FastifyReply): void;
}

/**
 * `maxAgeMs` makes the cookie outlive the browser (the observatory's working day); without it the cookie dies
 * with the browser too (citizens and staff, often on shared machines).
 */
export function sessionCookie(opts: { name: string; isHttpsOnly: boolean; maxAgeMs?: number }): SessionCookie {
  const base = { httpOnly: true, sameSite: 'lax', secure: opts.isHttpsOnly, path: '/' } as const;
  return {
    name: opts.name,
    read(req) {
      const raw = req.cookies[opts.name];
      if (!raw) return undefined;
      const u = req.unsignCookie(raw);
      return u.valid && u.value ? u.value : undefined;
    },
    set(reply, token) {
      reply.setCookie(opts.name, token, { ...base, signed: true, ...(opts.maxAgeMs ? { maxAge: opts.maxAgeMs / 1000 } : {}) });
    },
    clear(reply) {
      reply.clearCookie(opts.name, base);
    },
  };
}

/** On an unsafe method, throws 403 `common.csrf` unless header `header` holds a token `isValid` accepts. */
export function requireCsrf(req: FastifyRequest, header: string, isValid: (given: string | undefined) => boolean): void {
  if (!UNSAFE_METHODS.has(req.method)) return;
  const given = req.headers[header];
  if (!isValid(typeof given === 'string' ? given : undefined)) throw new AppError('common.csrf');
}
