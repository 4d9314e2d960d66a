/** Placeholder until the history page lands. */
import type { Hono } from 'hono';
import type { ViewContext } from '../context.js';

export function mountHistory(app: Hono, view: ViewContext): void {
  void app;
  void view;
}
