/** Placeholder until the runs page lands. */
import type { Hono } from 'hono';
import type { ViewContext } from '../context.js';

export function mountRuns(app: Hono, view: ViewContext): void {
  void app;
  void view;
}
