/** Placeholder until the compare page lands. */
import type { Hono } from 'hono';
import type { ViewContext } from '../context.js';

export function mountCompare(app: Hono, view: ViewContext): void {
  void app;
  void view;
}
