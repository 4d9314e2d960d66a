/**
 * The subset flags of `eval`, `redteam` and `plan` (`--filter`, `--first`, `--sample`, `--seed`, `--provider`,
 * `--prompt`, `--failing`): declared once, parsed once, so the commands select cells alike.
 */
import type { Command } from 'cac';
import type { ResolvedSuite } from '../config/types.js';
import { createPlan } from '../engine/plan.js';
import { resolveSubset, type SubsetFlags } from '../engine/subset.js';
import type { Store } from '../store/index.js';
import { LlmlabError } from '../errors.js';
import { list, positiveInt } from './context.js';

/** The flags as cac hands them over (a repeated flag is an array; a number-looking value a number). */
export interface SubsetFlagValues {
  filter?: unknown;
  first?: unknown;
  sample?: unknown;
  seed?: unknown;
  provider?: unknown;
  prompt?: unknown;
  failing?: unknown;
}

/** Adds the subset flags to a command; `verb` says what the command does with the cells (`Run`, `Plan`). */
export function addSubsetOptions(command: Command, verb: string): Command {
  return command
    .option('--filter <regex>', `${verb} only tests whose description or id matches (JavaScript regex, case-sensitive)`)
    .option('--first <n>', `${verb} only the first n tests in suite order`)
    .option('--sample <n>', `${verb} n tests drawn reproducibly by --seed`)
    .option('--seed <s>', `Seed of --sample (default 1; printed with the subset)`)
    .option('--provider <label>', `${verb} only this provider (label or id); repeatable`)
    .option('--prompt <id>', `${verb} only this prompt; repeatable`)
    .option('--failing [run]', `${verb} only the cells that failed or errored in that run (default: the suite's latest run)`);
}

/** Parses the subset flags; undefined when none is set. USAGE (exit 2) on a malformed value. */
export function parseSubsetFlags(flags: SubsetFlagValues): SubsetFlags | undefined {
  const out: SubsetFlags = {};
  const filter = one(flags.filter, '--filter', 'a regex');
  if (filter !== undefined) out.filter = filter;
  const first = positiveInt(one(flags.first, '--first', 'a number of tests'), '--first');
  const sample = positiveInt(one(flags.sample, '--sample', 'a number of tests'), '--sample');
  if (first !== undefined && sample !== undefined) {
    throw new LlmlabError('USAGE', '--first and --sample do not go together', { hint: 'take the first n tests, or a sample of n' });
  }
  if (first !== undefined) out.first = first;
  if (sample !== undefined) out.sample = sample;
  const seed = one(flags.seed, '--seed', 'a whole number');
  if (seed !== undefined) {
    if (sample === undefined) throw new LlmlabError('USAGE', '--seed goes with --sample', { hint: 'add `--sample n`, or leave --seed out' });
    const n = Number(seed);
    if (!Number.isSafeInteger(n) || n < 0) throw new LlmlabError('USAGE', `--seed must be a whole number ≥ 0, got \`${seed}\``);
    out.seed = n;
  }
  const providers = names(flags.provider, '--provider', 'a provider label or id');
  if (providers.length > 0) out.providers = providers;
  const prompts = names(flags.prompt, '--prompt', 'a prompt id');
  if (prompts.length > 0) out.prompts = prompts;
  const failing = failingRef(flags.failing);
  if (failing !== undefined) out.failing = failing;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** A flag that takes one value. */
function one(value: unknown, flag: string, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new LlmlabError('USAGE', `${flag} takes one value`);
  if (typeof value === 'boolean' || value === '') throw new LlmlabError('USAGE', `${flag} needs a value: ${what}`);
  return String(value);
}

/** A repeatable flag; each occurrence needs a value. */
function names(value: unknown, flag: string, what: string): string[] {
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  if (all.some((v) => typeof v === 'boolean' || v === '')) throw new LlmlabError('USAGE', `${flag} needs a value: ${what}`);
  return list(all);
}

/**
 * `--failing` alone is the suite's latest run. Its value is optional, so `--failing suites/a.yaml` would take the
 * suite for the run: said plainly rather than reported as an unknown run.
 */
function failingRef(value: unknown): true | string | undefined {
  if (value === undefined || value === false) return undefined;
  if (Array.isArray(value)) throw new LlmlabError('USAGE', '--failing takes one run');
  if (value === true || value === '') return true;
  const ref = String(value);
  if (/\.(ya?ml|json)$/i.test(ref)) {
    throw new LlmlabError('USAGE', `--failing took \`${ref}\` as the run to read failures from`, {
      hint: `name the suite before the flag (\`llmlab eval ${ref} --failing\`), or give a run: \`--failing latest\``,
    });
  }
  return ref;
}

/** Resolves the subset against every suite, so one that selects nothing fails before any suite runs. */
export function checkSubset(suites: readonly ResolvedSuite[], subset: SubsetFlags, repeat: number | undefined, store: () => Store): void {
  // Only --failing reads the database: a typo in --filter creates no .llmlab folder.
  for (const suite of suites) resolveSubset(createPlan(suite, { repeat }), subset, subset.failing === undefined ? undefined : store());
}
