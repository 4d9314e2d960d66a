/** Placeholder until the studio page lands. */
import type { Hono } from 'hono';
import type { ViewContext } from '../context.js';

export function mountStudio(app: Hono, view: ViewContext): void {
  void app;
  void view;
}
