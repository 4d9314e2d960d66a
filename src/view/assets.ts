/**
 * The browser app's static files: `/assets/view/<file>` from templates/view/ and `/assets/report/<file>` from
 * templates/report/ (the HTML report's scripts, shared with the run page). Only listed kinds of files are served,
 * by name, never a path: nothing outside those two folders can be reached.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { TEMPLATES_DIR } from '../report/writers/html/render.js';
import { apiError } from './errors.js';

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};
const FOLDERS = new Set(['view', 'report']);

/** Mounts the asset routes. Files are read once and kept (they are small: a test keeps them under 300 KB). */
export function mountAssets(app: Hono, dir = TEMPLATES_DIR): void {
  const cache = new Map<string, Buffer | null>();
  // Browsers ask for it on every page; no icon is better than a 404 in the console.
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'cache-control': 'max-age=86400' }));
  app.get('/assets/:folder/:file', (c) => {
    const folder = c.req.param('folder');
    const file = c.req.param('file');
    const ext = /^[a-z0-9-]+\.([a-z]+)$/.exec(file)?.[1];
    const type = ext === undefined ? undefined : TYPES[ext];
    if (!FOLDERS.has(folder) || type === undefined) return apiError(c, 404, `no asset ${folder}/${file}`);
    const key = `${folder}/${file}`;
    if (!cache.has(key)) cache.set(key, readOrNull(join(dir, folder, file)));
    const body = cache.get(key);
    if (!body) return apiError(c, 404, `no asset ${key}`);
    return c.body(new Uint8Array(body), 200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  });
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}
