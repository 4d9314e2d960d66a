/**
 * What the `llmlab ci` steps share: running llmlab itself in a child process (the base commit runs in its own
 * checkout, so in its own working directory), the suite list of the action's `suites` input, and step outputs.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LlmlabError } from '../errors.js';

/** Runs `llmlab <args>` in `cwd` and resolves its exit code; output goes straight to this process's. */
export type LlmlabRunner = (args: string[], options: { cwd: string; env?: Record<string, string> }) => Promise<number>;

/**
 * Runs this very llmlab (same Node flags, same entry script), so base and head are judged by one version
 * whatever the base commit's package.json pins.
 */
export const spawnLlmlab: LlmlabRunner = (args, options) =>
  new Promise((resolvePromise, reject) => {
    const entry = process.argv[1];
    if (!entry) {
      reject(new LlmlabError('INTERNAL', 'cannot tell how llmlab was started'));
      return;
    }
    const child = spawn(process.execPath, [...process.execArgv, entry, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 130 : 1)));
  });

/**
 * The suites of the action's `suites` input: paths or globs separated by spaces, commas or newlines, relative
 * to `cwd`. Empty means the project's `suites` globs (the caller falls back to them).
 */
export async function expandSuites(args: string[], cwd: string): Promise<string[]> {
  const words = args.flatMap((a) => String(a).split(/[\s,]+/)).filter((w) => w !== '');
  if (words.length === 0) return [];
  const { default: fg } = await import('fast-glob');
  const found: string[] = [];
  for (const word of words) {
    if (!fg.isDynamicPattern(word)) {
      found.push(resolve(cwd, word));
      continue;
    }
    const matches = (await fg(word, { cwd, absolute: true })).sort();
    if (matches.length === 0) throw new LlmlabError('FILE_NOT_FOUND', `suites: \`${word}\` matches no file in ${cwd}`);
    found.push(...matches);
  }
  return [...new Set(found)];
}

/** Sets a step output (`steps.<id>.outputs.<name>`) when running in Actions; a no-op elsewhere. */
export function setOutput(name: string, value: string | number, env: Readonly<Record<string, string | undefined>> = process.env): void {
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${String(value).replace(/[\r\n]+/g, ' ')}\n`);
}

/** Appends Markdown to the job's summary page when running in Actions. */
export function appendStepSummary(markdown: string, env: Readonly<Record<string, string | undefined>> = process.env): void {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown.trimEnd()}\n`);
}
