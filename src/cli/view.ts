/**
 * `llmlab view`: the local web app over the project's database (runs, run, compare, history, studio) until Ctrl-C.
 * Loopback by default; any other `--host` needs an access token, given with `--token` or generated and printed.
 * `--open` opens the page in the browser ($BROWSER, else the platform's opener); failing to open it is a note.
 */
import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { isLoopback } from '../server/listen.js';
import { startView } from '../view/server.js';
import { createContext } from './context.js';
import type { CliIo } from './io.js';
import { portOf, untilStopped } from './serve-flags.js';
import { version } from './version.js';

export interface ViewFlags {
  port?: string | number;
  host?: string;
  db?: string;
  open?: boolean;
  token?: string;
}

const DEFAULT_PORT = 15500;

export async function viewCommand(flags: ViewFlags, io: CliIo): Promise<number> {
  const ctx = await createContext(flags, io);
  const host = flags.host ?? '127.0.0.1';
  const port = portOf(flags.port, DEFAULT_PORT);
  const token = typeof flags.token === 'string' && flags.token !== '' ? flags.token : undefined;
  const view = await startView({
    store: ctx.store(),
    project: ctx.project,
    env: ctx.env,
    version,
    host,
    port,
    ...(token === undefined ? {} : { token }),
    warn: (message) => io.stderr.write(`view: ${message}\n`),
  });
  const out = (line: string) => io.stdout.write(`${line}\n`);
  out(`llmlab view on ${view.openUrl}`);
  out(`  database: ${relative(io.cwd, ctx.store().path) || ctx.store().path}`);
  if (view.token !== undefined) {
    out(`  access token${token === undefined ? ' (generated)' : ''}: required on every request; the URL above carries it once, then a cookie does`);
  }
  if (!isLoopback(host)) out(`  listening on ${host}: anyone who can reach it and has the token can run prompts on your providers' credit`);
  out('Ctrl-C stops it.');
  if (flags.open) openBrowser(view.openUrl, io);
  await untilStopped();
  io.stderr.write('view: stopping\n');
  await view.close();
  return 0;
}

/** Starts the browser on `url` without waiting for it; a missing opener is a note, not an error. */
function openBrowser(url: string, io: CliIo): void {
  const [command, ...args] = openerOf(io.env.BROWSER);
  const note = (why: string) => io.stderr.write(`view: could not open a browser (${why}); open ${url} yourself\n`);
  try {
    const child = spawn(command!, [...args, url], { detached: true, stdio: 'ignore' });
    child.on('error', (error) => note(error.message));
    child.unref();
  } catch (error) {
    note((error as Error).message);
  }
}

function openerOf(browser: string | undefined): string[] {
  if (browser !== undefined && browser.trim() !== '') return browser.trim().split(/\s+/);
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""'];
  return ['xdg-open'];
}
