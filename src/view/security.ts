/**
 * What `llmlab view` checks besides the shared Host/Origin guard (src/server/guard.ts): the access token, when the
 * server has one (required off loopback), and the per-session CSRF token on every state-changing request. The
 * studio spends money and writes files, so a page on another site must not be able to make it do either: the guard
 * refuses its Origin, and it cannot read a page of ours to learn the CSRF token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { apiError } from './errors.js';

/** The cookie that carries the access token after the first visit with `?token=`. */
export const TOKEN_COOKIE = 'llmlab_view_token';
/** The header state-changing requests carry the CSRF token in. */
export const CSRF_HEADER = 'x-llmlab-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Constant-time string comparison (a token is not leaked one character per timing). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Requires `token` on every request: `Authorization: Bearer <token>`, the cookie, or `?token=` on a page (which
 * sets the cookie and redirects to the same URL without it, so the token does not stay in the address bar or in
 * the history).
 */
export function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const bearer = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
    if (sameSecret(bearer, token) || sameSecret(getCookie(c, TOKEN_COOKIE), token)) {
      await next();
      return undefined;
    }
    const url = new URL(c.req.url);
    const query = url.searchParams.get('token') ?? undefined;
    if (SAFE_METHODS.has(c.req.method) && sameSecret(query, token)) {
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    return refuse(c, 401, 'this llmlab view needs its access token', 'open the URL with ?token=… that `llmlab view` printed, or send Authorization: Bearer <token>');
  };
}

/** Requires the session's CSRF token on POST, PUT, PATCH and DELETE. */
export function requireCsrf(csrf: string): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && !sameSecret(c.req.header(CSRF_HEADER), csrf)) {
      return refuse(c, 403, 'missing or wrong CSRF token', `state-changing requests must send the page's token in ${CSRF_HEADER}; reload the page if the server restarted`);
    }
    await next();
    return undefined;
  };
}

function refuse(c: Context, status: 401 | 403, message: string, hint: string): Response {
  return apiError(c, status, message, hint);
}
