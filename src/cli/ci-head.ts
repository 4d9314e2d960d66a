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
import { missingReason, type MissingKey, type SecretsWithheld } from './ci-keys.js';
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
  /** Keys the suite needs that this job lacks (checked before it ran). */
  missing?: MissingKey[];
  /** True when it was not run for want of those keys (`--on-missing-keys skip` where secrets are withheld). */
  skipped?: boolean;
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
  /** Missing keys by suite path; a suite listed here with a non-empty list is run, and reported, as lacking them. */
  missing?: Map<string, MissingKey[]>;
  /** Suites not to run for want of their keys. */
  skip?: Set<string>;
}

/** Runs each suite at head, in order; a suite that fails to run does not stop the others. */
export async function runHead(options: RunHeadOptions): Promise<HeadOutcome[]> {
  const outcomes: HeadOutcome[] = [];
  for (const suite of options.suites) {
    const inRepo = await repoRelativePath({ path: suite, baseDir: dirname(suite) });
    const shown = inRepo ?? relative(options.cwd, suite);
    const missing = options.missing?.get(suite) ?? [];
    const noted = missing.length > 0 ? { missing } : {};
    if (options.skip?.has(suite)) {
      outcomes.push({ suite, shown, exitCode: 0, files: [], ...noted, skipped: true });
      continue;
    }
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
    outcomes.push({ suite, shown, exitCode, ...(run ? { run } : {}), ...(base ? { baseRun: base } : {}), files, ...noted });
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
  const needs = outcome.missing?.length ? `needs ${outcome.missing.map((m) => `\`${m.name}\` (${m.provider})`).join(', ')}, which this job does not have` : '';
  if (outcome.skipped) return `## ⏭️ llmlab · ${outcome.shown} · skipped\n\nIt ${needs}.\n`;
  if (!outcome.run) {
    const why = needs ? `it ${needs}` : 'the job log says why';
    return `## ⚠️ llmlab · ${outcome.shown} · did not run (exit ${outcome.exitCode})\n\nThe suite could not be run: ${why}.\n`;
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
export function composeComment(
  store: Store,
  outcomes: HeadOutcome[],
  options: { sha?: string; baseRef?: string; artifact?: string; generator: string; withheld?: SecretsWithheld; marker?: string },
): string {
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
  const notice = missingKeysNotice(outcomes, options.withheld);
  return `${options.marker ?? COMMENT_MARKER}\n${notice ? `${notice}\n\n` : ''}${sections.join('\n\n---\n\n')}\n\n${footer}\n`;
}

/**
 * The line that goes first in the comment and the job summary when keys were missing: why, and what the gate
 * did about it. Empty when every suite had its keys.
 */
export function missingKeysNotice(outcomes: HeadOutcome[], withheld: SecretsWithheld | undefined, markdown = true): string {
  const lacking = outcomes.filter((o) => o.missing?.length);
  if (lacking.length === 0) return '';
  const names = [...new Set(lacking.flatMap((o) => o.missing!.map((m) => m.name)))];
  const reason = missingReason(names, withheld, markdown);
  const skipped = lacking.filter((o) => o.skipped).map((o) => (markdown ? `\`${o.shown}\`` : o.shown));
  const sentence = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;
  if (skipped.length === 0) {
    const it = names.length === 1 ? 'it' : 'them';
    const fix = withheld ? '' : ` Pass ${it} to the action step from ${names.length === 1 ? 'a secret' : 'secrets'} (\`env:\`, see docs/ci.md).`;
    const text = `${sentence(reason)}; suites that need ${it} cannot run.`;
    return markdown ? `> ⚠️ **${text}**${fix}` : text;
  }
  const which = skipped.length === outcomes.length ? '' : ` for ${skipped.join(', ')} (the other suites ran)`;
  const text = `Skipped: ${reason}; the gate did not run${which}.`;
  return markdown ? `> ⏭️ **${text}** Run the suites with the keys (a branch of this repository, or \`llmlab eval\` locally) to evaluate this change.` : text;
}
