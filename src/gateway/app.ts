/**
 * The gateway's HTTP routes on one hono app. OpenAI's paths under /v1 (what an OpenAI SDK pointed at
 * `http://host:port/v1` calls), plus /v1/feedback for experiments, /health and /metrics. Every error, a 404 for an
 * unknown path included, is in OpenAI's error shape so SDKs raise their usual exceptions.
 */
import type { Hono } from 'hono';
import { createServerApp } from '../server/app.js';
import { chatRoute } from './chat.js';
import { embeddingsRoute } from './embeddings.js';
import { feedbackRoute } from './feedback.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics.js';
import { errorResponse, modelBody, modelsBody } from './openai-wire.js';
import type { GatewayRuntime } from './runtime.js';

/** What the app needs besides the runtime: where it listens, for the Host check. */
export interface GatewayAppOptions {
  host: string;
  /** The listening port (known only once listening on port 0). */
  port: () => number;
}

export function createGatewayApp(rt: GatewayRuntime, options: GatewayAppOptions): Hono {
  const created = Math.floor(rt.now() / 1000);
  const app = createServerApp({ host: options.host, port: options.port, refuse: (status, message) => errorResponse({ status, message, type: 'invalid_request_error' }) });

  app.post('/v1/chat/completions', chatRoute(rt));
  app.post('/v1/embeddings', embeddingsRoute(rt));
  app.post('/v1/feedback', feedbackRoute(rt));
  app.get('/v1/models', (c) => c.json(modelsBody(Object.keys(rt.config.models), created)));
  app.get('/v1/models/:id{.+}', (c) => {
    const id = c.req.param('id');
    return Object.hasOwn(rt.config.models, id)
      ? c.json(modelBody(id, created))
      : errorResponse({ status: 404, message: `model \`${id}\` does not exist`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
  });
  app.get('/health', (c) =>
    c.json({
      status: 'ok',
      models: Object.fromEntries([...rt.routers].map(([name, router]) => [name, { strategy: router.model.strategy, candidates: router.describe() }])),
      experiments: rt.experiments.shares(),
    }),
  );
  app.get('/metrics', () => new Response(rt.metrics.render(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } }));
  app.notFound((c) => errorResponse({ status: 404, message: `no route ${c.req.method} ${c.req.path}: this gateway serves /v1/chat/completions, /v1/embeddings, /v1/models, /v1/feedback, /health and /metrics`, type: 'invalid_request_error', code: 'unknown_url' }));
  app.onError((error) => {
    rt.warn(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    return errorResponse({ status: 500, message: 'internal gateway error (see the gateway log)', type: 'server_error' });
  });
  return app;
}
