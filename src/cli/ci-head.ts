/**
 * `llmlab ci head`: run every suite on the pull request's head against its base run (`--baseline git:<sha>`),
 * keep the reports (JSON, and Markdown and HTML when this llmlab writes them) for the workflow artifact, and compose
 * the one pull-request comment: a section per suite, rendered by the Markdown report, sharing GitHub's limit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { compareWithBaseline, findRunAtCommit, repoRelativePath } from '../report/compare/baseline.js';
import { renderMarkdownReport } from '../report/writers/markdown.js';
import { summarizeRun } from '../report/summary.js';
import type { RunRecord, Store } from '../store/index.js';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT } from './ci-github.js';
import type { LlmlabRunner } from './ci-process.js';

/** One suite's head run. */
export interface HeadOutcome {
  suite: string;
  /** Path shown in the comment: inside the repository, else relative to the working directory. */
  shown: string;
  exitCode: number;
  run?: RunRecord;
  baseRun?: RunRecord;
  /** Report files written, relative to the working directory. */
  files: string[];
}

/** Options of {@link runHead}. */
export interface RunHeadOptions {
  store: Store;
  db: string;
  /** The base commit; without one (a push build) suites run without a baseline. */
  sha?: string;
  suites: string[];
  cwd: string;
  /** Folder for the reports (absolute). */
  outDir: string;
  run: LlmlabRunner;
  /** Extensions `-o` accepts in this llmlab; `.html` is written when present. */
  formats: string[];
}

/** Runs each suite at head, in order; a suite that fails to run does not stop the others. */
export async function runHead(options: RunHeadOptions): Promise<HeadOutcome[]> {
  const outcomes: HeadOutcome[] = [];
  for (const suite of options.suites) {
    const inRepo = await repoRelativePath({ path: suite, baseDir: dirname(suite) });
    const shown = inRepo ?? relative(options.cwd, suite);
    const base = options.sha === undefined ? undefined : findRunAtCommit(options.store, options.sha, suite, inRepo);
    const slug = shown.replace(/\.[^./]+$/, '').replace(/[^\w.-]+/g, '-');
    const json = join(options.outDir, `${slug}.json`);
    const extra = ['.html', '.md'].filter((f) => options.formats.includes(f)).map((f) => join(options.outDir, `${slug}${f}`));
    const args = ['eval', relative(options.cwd, suite), '--db', options.db, '-o', json, ...extra.flatMap((f) => ['-o', f])];
    if (base) args.push('--baseline', `git:${options.sha}`);
    const exitCode = await options.run(args, { cwd: options.cwd });
    const runId = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as { run?: { id?: string } }).run?.id : undefined;
    const run = runId === undefined ? undefined : options.store.runs.get(runId);
    const files = [json, ...extra].filter((f) => existsSync(f)).map((f) => relative(options.cwd, f));
    outcomes.push({ suite, shown, exitCode, ...(run ? { run } : {}), ...(base ? { baseRun: base } : {}), files });
  }
  return outcomes;
}

/** The worst exit code: invalid input (2) over an interrupt (130) over a failed gate (1). */
export function worstExitCode(codes: number[]): number {
  for (const code of [2, 130, 1]) if (codes.includes(code)) return code;
  return codes.find((c) => c !== 0) ?? 0;
}

/**
 * The Markdown of one suite, as `llmlab report <run> -o x.md --baseline <base>` renders it, within `maxChars`.
 * A suite that did not run gets a line saying so rather than nothing.
 */
export function suiteMarkdown(store: Store, outcome: HeadOutcome, options: { sha?: string; maxChars?: number; generator: string }): string {
  if (!outcome.run) {
    return `## ⚠️ llmlab · ${outcome.shown} · did not run (exit ${outcome.exitCode})\n\nThe suite could not be run; the job log says why.\n`;
  }
  const baseline =
    outcome.baseRun && options.sha
      ? compareWithBaseline(
          store,
          { ref: `git:${options.sha.slice(0, 12)}`, run: outcome.baseRun, source: 'results', sameSuite: true, label: `run ${outcome.baseRun.id}` },
          outcome.run,
        )
      : undefined;
  const summary = summarizeRun(store, outcome.run, { baseline });
  const markdown = renderMarkdownReport(store, outcome.run, summary, {
    ...(baseline ? { baseline } : {}),
    ...(options.maxChars === undefined ? {} : { maxChars: options.maxChars }),
    generator: options.generator,
  });
  const note = baseline || !options.sha ? '' : `\n<sub>No baseline: no run of ${outcome.shown} at the base commit ${options.sha.slice(0, 12)} (a new suite, or its base run failed).</sub>\n`;
  return `${markdown.trimEnd()}\n${note}`;
}

/**
 * The whole comment: the marker, one section per suite (each within an equal share of GitHub's limit), and a
 * footer naming the base commit and the artifact with the full reports.
 */
export function composeComment(store: Store, outcomes: HeadOutcome[], options: { sha?: string; baseRef?: string; artifact?: string; generator: string }): string {
  const footerParts = [
    options.sha ? `base ${options.baseRef ? `\`${options.baseRef}\` ` : ''}\`${options.sha.slice(0, 12)}\`` : 'no base commit',
    options.generator,
    ...(options.artifact ? [`full reports: workflow artifact \`${options.artifact}\``] : []),
  ];
  const footer = `<sub>${footerParts.join(' · ')}</sub>`;
  // Headroom for the marker, separators and footer; the Markdown report never exceeds its share.
  const share = Math.floor((GITHUB_COMMENT_LIMIT - 2_000 - footer.length) / Math.max(outcomes.length, 1));
  const sections = outcomes.map((o) => suiteMarkdown(store, o, { ...options, maxChars: Math.max(share, 2_000) }).trimEnd());
  if (sections.length === 0) sections.push('## llmlab\n\nNo suite ran.');
  return `${COMMENT_MARKER}\n${sections.join('\n\n---\n\n')}\n\n${footer}\n`;
}
