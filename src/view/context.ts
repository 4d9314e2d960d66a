/**
 * What every part of `llmlab view` is handed: the open store, the project it serves, the session's CSRF token and
 * the page renderer. Routes read SQLite through the store and report modules only; nothing here calls a model
 * (the studio goes through the engine).
 */
import type nunjucks from 'nunjucks';
import type { ProjectConfig } from '../config/types.js';
import type { RunSummary } from '../report/summary.js';
import type { RunRecord, Store } from '../store/index.js';

/** The state of one `llmlab view` server. */
export interface ViewContext {
  store: Store;
  /** The project directory (real path): the studio writes only below it, and suites are listed from it. */
  root: string;
  project: ProjectConfig;
  /** Environment for the studio's runs (API keys); never rendered. */
  env: Readonly<Record<string, string | undefined>>;
  /** llmlab's version, for page footers. */
  version: string;
  /** The per-session token every state-changing request sends as `x-llmlab-csrf` (pages carry it in a meta tag). */
  csrf: string;
  /** The nunjucks environment over templates/ (autoescape on, the HTML report's filters). */
  templates: nunjucks.Environment;
  /** A run's summary, kept in the store so a 100,000-cell run is summarized once, not per page. */
  summary(run: RunRecord): RunSummary;
  /** Warnings for the terminal (a failed background write); never model output. */
  warn(message: string): void;
  /** Work to finish before the server closes (a studio run in flight stops and saves what it finished). */
  onClose(task: () => Promise<void>): void;
}
