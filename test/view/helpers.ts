/**
 * `llmlab view` under test: a real store in a temp dir (the HTML report's fixture runs in it), the view's context
 * and app for in-process requests (`app.request`), and a listening server on 127.0.0.1 for the socket and browser
 * tests.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { loadProjectConfig } from '../../src/config/project-config.js';
import { openStore, type RunRecord, type Store } from '../../src/store/index.js';
import { createViewApp } from '../../src/view/app.js';
import type { ViewContext } from '../../src/view/context.js';
import { startView, type RunningView } from '../../src/view/server.js';
import { storedSummary } from '../../src/report/stored-summary.js';
import { createHtmlEnvironment } from '../../src/report/writers/html/render.js';
import { storeBaseline, storeCandidate } from '../report/html-fixture.js';

/** A project folder with its database; `dispose` removes both. */
export interface ViewProject {
  dir: string;
  store: Store;
  dispose(): void;
}

/** An empty project folder (with `.llmlab/`) and its open store. */
export function viewProject(): ViewProject {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'llmlab-view-')));
  mkdirSync(join(dir, '.llmlab'));
  const store = openStore(join(dir, '.llmlab', 'llmlab.db'));
  return { dir, store, dispose: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** The HTML report's fixture runs: a baseline and a candidate of `/suites/support.yaml`. */
export function fixtureRuns(store: Store): { baseline: RunRecord; candidate: RunRecord } {
  const baseline = storeBaseline(store);
  const candidate = storeCandidate(store);
  return { baseline, candidate };
}

/** The view's context over `project`, as startView builds it, with warnings collected. */
export async function viewContext(project: ViewProject, env: Record<string, string | undefined> = {}): Promise<ViewContext & { warnings: string[] }> {
  const warnings: string[] = [];
  const config = await loadProjectConfig({ cwd: project.dir, env });
  return {
    store: project.store,
    root: project.dir,
    project: config,
    env,
    version: '0.0.0-test',
    csrf: 'test-csrf-token-0123456789',
    templates: createHtmlEnvironment(),
    summary: (run) => storedSummary(project.store, run),
    warn: (message) => warnings.push(message),
    onClose: () => {},
    warnings,
  };
}

/** The app for in-process requests; Host must be `127.0.0.1:15500` (the guard checks it). */
export async function viewApp(project: ViewProject, options: { token?: string } = {}): Promise<{ app: Hono; context: ViewContext & { warnings: string[] } }> {
  const context = await viewContext(project);
  const app = createViewApp(context, { host: '127.0.0.1', port: () => 15500, ...options });
  return { app, context };
}

/** Headers an in-process request needs to pass the guard; `csrf` adds the session token for a POST. */
export function viewHeaders(context: ViewContext, options: { csrf?: boolean; json?: boolean } = {}): Record<string, string> {
  return {
    host: '127.0.0.1:15500',
    ...(options.csrf ? { 'x-llmlab-csrf': context.csrf } : {}),
    ...(options.json ? { 'content-type': 'application/json' } : {}),
  };
}

/** A listening view server over `project` on a free loopback port, without the background warm-up unless asked. */
export async function startTestView(project: ViewProject, options: { token?: string; host?: string; env?: Record<string, string | undefined>; warm?: boolean } = {}): Promise<RunningView> {
  const env = options.env ?? {};
  return startView({
    store: project.store,
    project: await loadProjectConfig({ cwd: project.dir, env }),
    env,
    version: '0.0.0-test',
    host: options.host ?? '127.0.0.1',
    port: 0,
    ...(options.token === undefined ? {} : { token: options.token }),
    // Tests see exactly the requests they make; warm.test.ts turns the warm-up on.
    warm: options.warm ?? false,
    warn: () => {},
  });
}
