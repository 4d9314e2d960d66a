/** Shared helpers for config tests: real temp directories, and errors flattened for table-driven checks. */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import type { ProjectConfig, ResolvedSuite } from '../../src/config/types.js';
import { LlmlabError, LlmlabErrors } from '../../src/errors.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temp directory holding `files` (path → content). Removed after the test file. */
export async function tempDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'llmlab-config-')));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

export const project: ProjectConfig = {
  root: '/project',
  suites: ['suites/**/*.yaml'],
  db: '/project/.llmlab/llmlab.db',
  concurrency: 8,
  timeoutMs: 60_000,
  maxRetries: 4,
  outputDir: 'reports',
};

/** An error reduced to what a user sees; `file` relative to `dir`. */
export interface Seen {
  code: string;
  at: string;
  message: string;
  hint?: string;
}

export function flatten(error: unknown, dir: string): Seen[] {
  if (!(error instanceof LlmlabError)) throw error;
  const errors = error instanceof LlmlabErrors ? error.errors : [error];
  return errors.map((e) => {
    const file = (e.where?.file ?? '').replace(`${dir}/`, '');
    const at = e.where?.line === undefined ? file : `${file}:${e.where.line}:${e.where.col ?? ''}`;
    return { code: e.code, at, message: e.message.replaceAll(dir, '<dir>'), ...(e.hint ? { hint: e.hint.replaceAll(dir, '<dir>') } : {}) };
  });
}

/** Writes the files, loads `suite.yaml`, and returns what was thrown (fails the test if nothing was). */
export async function loadErrors(files: Record<string, string>): Promise<Seen[]> {
  const dir = await tempDir(files);
  try {
    await loadSuite(join(dir, 'suite.yaml'), project);
  } catch (error) {
    return flatten(error, dir);
  }
  throw new Error('expected the suite to be rejected');
}

/** Writes the files and loads `suite.yaml`. */
export async function loadOk(files: Record<string, string>): Promise<{ suite: ResolvedSuite; dir: string }> {
  const dir = await tempDir(files);
  return { suite: await loadSuite(join(dir, 'suite.yaml'), project), dir };
}

/** A minimal valid suite with `extra` YAML appended (tests given by the caller). */
export const HEAD = 'providers: [echo]\nprompts: ["Q: {{ q }}"]\n';
