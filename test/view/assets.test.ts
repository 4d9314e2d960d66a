/** The browser app stays small: everything a page of `llmlab view` can load from /assets is under 300 KB in all. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { TEMPLATES_DIR } from '../../src/report/writers/html/render.js';

const LIMIT_BYTES = 300 * 1024;

it('keeps the served assets under 300 KB', () => {
  const served = ['view', 'report'].flatMap((folder) =>
    readdirSync(join(TEMPLATES_DIR, folder))
      .filter((f) => /\.(js|css|svg)$/.test(f))
      .map((f) => join(TEMPLATES_DIR, folder, f)),
  );
  expect(served.some((f) => f.endsWith('app.js'))).toBe(true);
  const bytes = served.reduce((n, f) => n + statSync(f).size, 0);
  process.stdout.write(`view assets: ${served.length} files, ${(bytes / 1024).toFixed(1)} KB\n`);
  expect(bytes).toBeLessThan(LIMIT_BYTES);
});
