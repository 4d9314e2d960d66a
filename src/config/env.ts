/**
 * The environment providers read API keys and hosts from: `process.env` over a project's `.env` file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * `process.env` overlaid on the values of `<dir>/.env` (a variable set in the real environment wins, as with
 * dotenv). A missing `.env` is fine; the file is parsed with node's own `util.parseEnv`.
 */
export function loadEnv(dir: string, base: Readonly<Record<string, string | undefined>> = process.env): Record<string, string | undefined> {
  let fromFile: Record<string, string | undefined> = {};
  try {
    fromFile = parseEnv(readFileSync(join(dir, '.env'), 'utf8')) as Record<string, string | undefined>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { ...fromFile, ...base };
}
