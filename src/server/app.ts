/**
 * The one factory of llmlab's HTTP apps (gateway, view; DESIGN.md §10): a hono app whose every request first passes
 * the Host and Origin guard. An app adds its routes and its own error shape; it never skips the guard.
 */
import { Hono } from 'hono';
import { guard, type GuardOptions } from './guard.js';

export function createServerApp(options: GuardOptions): Hono {
  const app = new Hono();
  app.use(guard(options));
  return app;
}
