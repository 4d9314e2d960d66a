/**
 * Starting `llmlab view`: open the store, build the context and the app, listen. Off loopback a token is required
 * (the caller passes one or gets a generated one back); on loopback the Host/Origin guard and the CSRF token hold
 * the line, as DESIGN.md §10 asks of every llmlab server.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import type { ProjectConfig } from '../config/types.js';
import { LlmlabError } from '../errors.js';
import { storedSummary } from '../report/stored-summary.js';
import { createHtmlEnvironment } from '../report/writers/html/render.js';
import { isLoopback, listen, type Listening } from '../server/listen.js';
import type { Store } from '../store/index.js';
import { createViewApp } from './app.js';
import { warm, warmPaths } from './warm.js';
import type { ViewContext } from './context.js';

/** Options of {@link startView}. */
export interface StartViewOptions {
  store: Store;
  project: ProjectConfig;
  env: Readonly<Record<string, string | undefined>>;
  version: string;
  host: string;
  port: number;
  /** The access token; generated when absent and the host is not loopback. */
  token?: string;
  /** Request the newest run's pages once in the background after listening (default true; see warm.ts). */
  warm?: boolean;
  warn?: (message: string) => void;
}

/** A running view server. */
export interface RunningView extends Listening {
  /** The access token, when the server requires one. */
  token?: string;
  /** The URL to open: with `?token=` when one is required. */
  openUrl: string;
  /** Settles when the background warm-up has finished (at once without one). */
  warmed: Promise<void>;
  context: ViewContext;
}

export async function startView(options: StartViewOptions): Promise<RunningView> {
  const token = options.token ?? (isLoopback(options.host) ? undefined : randomBytes(24).toString('base64url'));
  if (token !== undefined && token.length < 16) {
    throw new LlmlabError('USAGE', '--token is too short: use at least 16 characters', {
      hint: 'leave --token out to have a random one generated and printed',
    });
  }
  const { store } = options;
  // Reads dominate the view, over rows of a few KB each (outputs, prompts): mapping the file saves a copy per page
  // read, which took a 100,000-cell run's first search and row list about a quarter faster.
  store.db.pragma('mmap_size = 268435456');
  const closing: Array<() => Promise<void>> = [];
  const context: ViewContext = {
    store,
    root: realpathSync(options.project.root),
    project: options.project,
    env: options.env,
    version: options.version,
    csrf: randomBytes(24).toString('base64url'),
    templates: createHtmlEnvironment(),
    summary: (run) => storedSummary(store, run),
    warn: options.warn ?? ((message) => process.stderr.write(`view: ${message}\n`)),
    onClose: (task) => void closing.push(task),
  };
  let port = 0;
  const app = createViewApp(context, { host: options.host, port: () => port, ...(token === undefined ? {} : { token }) });
  const listening = await listen(app, { host: options.host, port: options.port });
  port = listening.port;
  let warmed = Promise.resolve();
  if (options.warm !== false) {
    const stop = new AbortController();
    const headers = { host: `localhost:${port}`, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) };
    warmed = warm(app, warmPaths(context), headers, context, stop.signal);
    closing.push(() => (stop.abort(), warmed));
  }
  return {
    ...listening,
    close: async () => {
      await Promise.all(closing.map((task) => task()));
      await listening.close();
    },
    ...(token === undefined ? {} : { token }),
    warmed,
    openUrl: token === undefined ? `${listening.url}/` : `${listening.url}/?token=${encodeURIComponent(token)}`,
    context,
  };
}
