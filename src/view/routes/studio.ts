/**
 * The Studio (`/studio`): pick a suite and a prompt, edit its template, run the draft beside the saved version
 * through the engine with cells streaming in (Server-Sent Events), and save it back with a prompt version.
 *
 *   GET  /api/studio/suites               → { suites: [rel path] }
 *   GET  /api/studio/suite?path=<rel>     → StudioSuite (422 at file:line:col for a broken suite)
 *   GET  /api/studio/runs                 → { active?: { runId, suite, promptId, cells } }
 *   POST /api/studio/runs                 → { runId, cells } (409 while one runs; 422 for a template error)
 *   POST /api/studio/runs/:id/stop        → { stopped }
 *   GET  /api/studio/runs/:id/events      → SSE: `cell`…, then `done` or `failed`; `budget` on an alert or stop
 *   POST /api/studio/save                 → SaveAnswer (409 when the file changed since it was loaded)
 *
 * The middleware has checked Host/Origin and the CSRF token of every POST before these run.
 */
import type { Context, Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { ViewContext } from '../context.js';
import { ViewError } from '../errors.js';
import { renderPage, securityHeaders } from '../page.js';
import type { StudioMessage } from '../studio-cells.js';
import { runRequest } from '../studio-draft.js';
import { createStudioRuns, type StudioRun } from '../studio-run.js';
import { saveRequest, savePrompt } from '../studio-save.js';
import { describeSuite, listSuites, openSuite } from '../studio-suites.js';

/** A comment line every 15 s keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

export function mountStudio(app: Hono, view: ViewContext): void {
  const runs = createStudioRuns(view);
  view.onClose(() => runs.close());
  const json = (c: Context, data: unknown, status = 200) => c.json(data, status as 200, securityHeaders());

  app.get('/studio', (c) => renderPage(c, view, 'studio.njk', { title: 'Studio' }, { active: 'studio' }));

  app.get('/api/studio/suites', async (c) => json(c, { suites: await listSuites(view) }));

  app.get('/api/studio/suite', async (c) => {
    const path = c.req.query('path');
    if (!path) throw new ViewError(400, 'path is required', 'GET /api/studio/suite?path=suites/support.yaml');
    const { suite } = await openSuite(view, path);
    return json(c, describeSuite(view, suite));
  });

  app.get('/api/studio/runs', (c) => {
    const active = runs.active();
    return json(c, active ? { active: { runId: active.id, suite: active.suite, promptId: active.promptId, cells: active.cells } } : {});
  });

  app.post('/api/studio/runs', async (c) => {
    const run = await runs.start(runRequest(await body(c)));
    return json(c, { runId: run.id, cells: run.cells }, 201);
  });

  app.post('/api/studio/runs/:id/stop', (c) => {
    const run = known(c.req.param('id'));
    const stopping = !run.finished;
    run.stop();
    return json(c, { stopped: stopping });
  });

  app.get('/api/studio/runs/:id/events', (c) => {
    const run = known(c.req.param('id'));
    for (const [name, value] of Object.entries(securityHeaders())) c.header(name, value);
    return streamSSE(c, (stream) => relay(run, stream));
  });

  app.post('/api/studio/save', async (c) => json(c, await savePrompt(view, saveRequest(await body(c)))));

  function known(id: string): StudioRun {
    const run = runs.get(id);
    if (!run) throw new ViewError(404, `no studio run ${id} on this server`, 'studio runs are followed live only by the server that started them; the Runs page lists every stored run');
    return run;
  }
}

/** Sends the run's messages (every one so far, then each new one) until `done`/`failed` or the client leaves. */
async function relay(run: StudioRun, stream: SSEStreamingApi): Promise<void> {
  const queue: StudioMessage[] = [];
  let wake: (() => void) | undefined;
  let open = true;
  const unsubscribe = run.subscribe((message) => {
    queue.push(message);
    wake?.();
  });
  // The client going away ends the stream only: the run goes on (stop is its own request).
  stream.onAbort(() => {
    open = false;
    wake?.();
  });
  const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n').catch(() => {}), HEARTBEAT_MS);
  try {
    while (open) {
      const message = queue.shift();
      if (message) {
        await stream.writeSSE({ event: message.event, data: JSON.stringify(message.data) });
        if (message.event === 'done' || message.event === 'failed') break;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
  }
}

/** The JSON body; anything else is a 400. */
async function body(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ViewError(400, 'the body must be JSON', 'send content-type: application/json with a JSON object');
  }
}
