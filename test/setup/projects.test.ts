/**
 * Keeps the unit/e2e split honest (see projects.ts): no file of the unit project reaches for a process, a
 * socket, a fake server, the CLI helpers or a sleep, directly or through a helper under test/. A new test that
 * needs one fails here with the file and what it imported, until it is listed in E2E.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fg from 'fast-glob';
import { describe, expect, it } from 'vitest';
import { ALL, E2E, E2E_FILES, E2E_FOLDERS } from './projects.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEST_DIR = join(ROOT, 'test');

/** Packages a unit test may not import (value imports; `import type` is erased). */
const FORBIDDEN_MODULES = /^(node:)?(child_process|http|https|http2|net|tls|dgram)$|^playwright/;
/** Test helpers (paths under test/) that start servers, processes or a browser. */
const FORBIDDEN_HELPERS = /^(fakes\/|cli\/(run-cli|watch-session|tui-terminal|fault-helpers)\.ts$|browser\/chromium\.ts$)/;
/** A promise resolved by setTimeout: a fixed wait for something else to happen. */
const SLEEP = /new Promise\(\s*\(?\s*\w+\s*\)?\s*=>\s*setTimeout\(\s*\w+\s*,/;
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** Value imports of `file`: [specifier, resolved path when it is a relative .js/.ts file under test/]. */
function imports(file: string): { specifier: string; local?: string }[] {
  const found: { specifier: string; local?: string }[] = [];
  for (const [, typeOnly, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    if (typeOnly || !specifier) continue;
    const local = specifier.startsWith('.') ? resolve(dirname(file), specifier).replace(/\.js$/, '.ts') : undefined;
    found.push({ specifier, ...(local?.startsWith(TEST_DIR) && existsSync(local) ? { local } : {}) });
  }
  return found;
}

/** Problems of one unit file: forbidden imports and sleeps, in it or in the test helpers it imports. */
function problems(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const where = relative(ROOT, file);
  const found: string[] = SLEEP.test(readFileSync(file, 'utf8')) ? [`${where} sleeps (setTimeout in a promise)`] : [];
  for (const { specifier, local } of imports(file)) {
    const helper = local === undefined ? undefined : relative(TEST_DIR, local);
    if (FORBIDDEN_MODULES.test(specifier) || FORBIDDEN_HELPERS.test(helper ?? '')) found.push(`${where} imports ${specifier}`);
    else if (local) found.push(...problems(local, seen));
  }
  return found;
}

const unitFiles = fg.sync(ALL, { cwd: ROOT, ignore: E2E, absolute: true });

describe('the unit/e2e split', () => {
  it('finds the unit files', () => {
    expect(unitFiles.length).toBeGreaterThan(50);
  });

  it('lists only e2e files and folders that exist', () => {
    const missing = [...E2E_FILES, ...E2E_FOLDERS].filter((path) => !existsSync(join(ROOT, path)));
    expect(missing, 'moved or deleted: update test/setup/projects.ts').toEqual([]);
  });

  it('keeps processes, sockets, fake servers and sleeps out of the unit project', () => {
    const found = unitFiles.flatMap((file) => problems(file));
    expect(found, 'list these files in E2E in test/setup/projects.ts, or remove the sleep').toEqual([]);
  });

  it('recognises what it forbids', () => {
    expect(['node:child_process', 'http', 'node:net', 'playwright-core'].filter((m) => !FORBIDDEN_MODULES.test(m))).toEqual([]);
    expect(['fakes/index.ts', 'fakes/openai.ts', 'cli/run-cli.ts'].filter((h) => !FORBIDDEN_HELPERS.test(h))).toEqual([]);
    expect(FORBIDDEN_HELPERS.test('cli/openai-suite.ts')).toBe(false);
    // Split so that this file does not match its own rule.
    expect(SLEEP.test('await new Promise((r) => ' + 'setTimeout(r, 50));')).toBe(true);
    expect(SLEEP.test('const sleep = (ms) => new Promise((resolve) => ' + 'setTimeout(resolve, ms));')).toBe(true);
  });
});
