/**
 * The `llmlab view` app: the shared server factory (Host/Origin guard), then the access token when the server has
 * one, the CSRF token on state-changing requests, the assets, and one module per page (runs, run, compare,
 * history, studio), each with its JSON API under /api/.
 */
import type { Hono } from 'hono';
import { createServerApp } from '../server/app.js';
import type { ViewContext } from './context.js';
import { mountAssets } from './assets.js';
import { apiError, handleError, ViewError } from './errors.js';
import { requireCsrf, requireToken } from './security.js';
import { mountCompare } from './routes/compare.js';
import { mountHistory } from './routes/history.js';
import { mountRun } from './routes/run.js';
import { mountRuns } from './routes/runs.js';
import { mountStudio } from './routes/studio.js';

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
  app.onError(handleError(view));
  mountAssets(app);
  mountRuns(app, view);
  mountRun(app, view);
  mountCompare(app, view);
  mountHistory(app, view);
  mountStudio(app, view);
  app.notFound((c) => (c.req.path.startsWith('/api/') ? apiError(c, 404, `no such endpoint: ${c.req.method} ${c.req.path}`) : handleError(view)(new ViewError(404, `no page at ${c.req.path}`, 'start from the runs list at /'), c)));
  return app;
}
