/**
 * The AWS SDK's transport for the bedrock provider, over `fetch`. The SDK's own Node handler for Bedrock
 * Runtime speaks HTTP/2 only, which a plain HTTP endpoint (a gateway, the test fake) does not; fetch speaks
 * HTTP/1.1, which Bedrock serves too, and lets the response-size cap every provider has apply here as well.
 * Retries are not here: the SDK is built with one attempt and the executor retries.
 */
import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';

type RequestHandler = NonNullable<BedrockRuntimeClientConfig['requestHandler']>;

/** The slice of the SDK's HttpRequest that a request is built from. */
interface SignedRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** A request handler for the SDK client that sends each signed request with `fetchFn`. */
export function fetchRequestHandler(fetchFn: typeof fetch): RequestHandler {
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: SignedRequest, options: { abortSignal?: unknown } = {}) {
      const signal = options.abortSignal instanceof AbortSignal ? options.abortSignal : undefined;
      const response = await fetchFn(urlOf(request), {
        method: request.method,
        headers: request.headers,
        body: request.method === 'GET' || request.method === 'HEAD' ? undefined : (request.body as RequestInit['body']),
        signal,
      });
      return {
        response: {
          statusCode: response.status,
          reason: response.statusText,
          headers: Object.fromEntries(response.headers),
          // The SDK's stream collector reads a web stream; an empty body is an empty one, not a missing one.
          body: response.body ?? new Blob([]).stream(),
        },
      };
    },
    updateHttpClientConfig(): void {},
    httpHandlerConfigs: () => ({}),
    destroy(): void {},
  };
  return handler as unknown as RequestHandler;
}

function urlOf(request: SignedRequest): string {
  const port = request.port ? `:${request.port}` : '';
  const query = queryOf(request.query ?? {});
  return `${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ''}`;
}

/** The query string as SigV4 signed it: keys and values percent-encoded, RFC 3986 style. */
function queryOf(query: Record<string, string | string[] | null>): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    const values = value === null || value === undefined ? [null] : Array.isArray(value) ? value : [value];
    for (const item of values) parts.push(item === null ? encode(key) : `${encode(key)}=${encode(item)}`);
  }
  return parts.join('&');
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
