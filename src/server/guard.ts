/**
 * What every llmlab HTTP app checks before a handler runs (DESIGN.md §10): the `Host` header names this server
 * (a DNS-rebinding page cannot reach a loopback server under its own name), and a state-changing request from a
 * browser comes from this server's own origin. API clients (SDKs, curl) send no `Origin` and pass; a browser on
 * another site always sends one and is refused.
 */
import type { MiddlewareHandler } from 'hono';
import { isLoopback } from './listen.js';

/** Options of {@link guard}. */
export interface GuardOptions {
  /** The host the server is bound to (as given to `listen`). */
  host: string;
  /** The port it listens on; read when the first request arrives (port 0 is known only after listening). */
  port: () => number;
  /** Extra `Host` values accepted (a reverse proxy's name), lower case, with port when not 80. */
  allowedHosts?: readonly string[];
  /** Shapes the refusal in the app's own error format. */
  refuse: (status: 403 | 421, message: string) => Response;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Host and Origin checks as a hono middleware. */
export function guard(options: GuardOptions): MiddlewareHandler {
  const loopback = isLoopback(options.host);
  let allowed: Set<string> | undefined;
  const hosts = (): Set<string> => {
    if (allowed) return allowed;
    const port = options.port();
    const names = loopback ? ['127.0.0.1', 'localhost', '[::1]'] : [options.host.toLowerCase()];
    allowed = new Set([...names.map((n) => `${n}:${port}`), ...(options.allowedHosts ?? [])]);
    return allowed;
  };
  return async (c, next) => {
    const host = c.req.header('host')?.toLowerCase();
    // Bound to a public address, the server may be reached under names we cannot know (a load balancer's): only a
    // loopback server pins its Host, which is what a rebinding attack needs.
    if (loopback && (host === undefined || !hosts().has(host))) {
      return options.refuse(421, `unexpected Host header ${host === undefined ? '(none)' : `\`${host}\``}: this server answers only as ${[...hosts()][0]}`);
    }
    if (!SAFE_METHODS.has(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin !== undefined && origin !== 'null' && !sameOrigin(origin, host)) {
        return options.refuse(403, `cross-origin request from ${origin} refused`);
      }
      if (origin === 'null') return options.refuse(403, 'request from an opaque origin refused');
    }
    await next();
    return undefined;
  };
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host.toLowerCase() === host;
  } catch {
    return false;
  }
}
