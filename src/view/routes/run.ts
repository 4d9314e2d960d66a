/** Placeholder until the run page lands. */
import type { Hono } from 'hono';
import type { ViewContext } from '../context.js';

export function mountRun(app: Hono, view: ViewContext): void {
  void app;
  void view;
}
