/**
 * The `llmlab view` app: the shared server factory (Host/Origin guard), then the access token when the server has
 * one, the CSRF token on state-changing requests, the assets, and one module per page (runs, run, compare,
 * history, studio), each with its JSON API under /api/.
 */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createServerApp } from '../server/app.js';
import type { ViewContext } from './context.js';
import { mountAssets } from './assets.js';
import { mountMedia } from './media.js';
import { apiError, handleError, ViewError } from './errors.js';
import { requireCsrf, requireToken } from './security.js';
import { mountCompare } from './routes/compare.js';
import { mountHistory } from './routes/history.js';
import { mountRun } from './routes/run.js';
import { mountRuns } from './routes/runs.js';
import { mountStudio } from './routes/studio.js';

/** The largest request body the API reads. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Options of {@link createViewApp}. */
export interface ViewAppOptions {
  host: string;
  port: () => number;
  /** Required on every request when set (always set off loopback). */
  token?: string;
}

export function createViewApp(view: ViewContext, options: ViewAppOptions): Hono {
  const app = createServerApp({
    host: options.host,
    port: options.port,
    refuse: (status, message) => new Response(JSON.stringify({ error: { code: `HTTP_${status}`, message } }), {
      status,
      headers: { 'content-type': 'application/json' },
    }),
  });
  if (options.token !== undefined) app.use(requireToken(options.token));
  app.use(requireCsrf(view.csrf));
  // The studio's bodies are a template and some ids; a larger one is refused before it is read into memory.
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => apiError(c, 413, `the request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB`, 'send a shorter template or fewer test ids'),
    }),
  );
  app.onError(handleError(view));
  mountAssets(app);
  mountMedia(app, view);
  mountRuns(app, view);
  mountRun(app, view);
  mountCompare(app, view);
  mountHistory(app, view);
  mountStudio(app, view);
  app.notFound((c) => (c.req.path.startsWith('/api/') ? apiError(c, 404, `no such endpoint: ${c.req.method} ${c.req.path}`) : handleError(view)(new ViewError(404, `no page at ${c.req.path}`, 'start from the runs list at /'), c)));
  return app;
}
