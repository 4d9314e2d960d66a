/**
 * Subsets: `--filter`, `--first`, `--sample`, `--provider`, `--prompt` and `--failing` pick part of a suite's cells.
 * A subset is a predicate on a cell's coordinates (provider label, prompt id, test id; every repeat alike), made
 * once from the whole plan and applied by the planner, so `llmlab plan` and `llmlab eval` select the same cells and
 * a resume re-plans the very same subset from what the run stored.
 */
import { createHash } from 'node:crypto';
import { LlmlabError, messageOf } from '../errors.js';
import type { RunRecord, RunSubset, Store, SubsetSelection } from '../store/index.js';
import type { CellFilter, Plan } from './plan.js';

/** The subset flags as a command gives them: `--failing` without a run means the suite's latest run. */
export type SubsetFlags = Omit<SubsetSelection, 'failing'> & { failing?: true | string };

/** A cell as a subset sees it. */
export interface CellCoords {
  providerLabel: string;
  promptId: string;
  testId: string;
}

/** A subset made from the flags: which cells it keeps, and how reports name it. */
export interface CellSubset extends CellFilter {
  /** The selection with `--failing` resolved to a run id: what the run stores, and what a resume re-applies. */
  select: SubsetSelection;
  /** `--filter refund --sample 40 --seed 1`. */
  flags: string;
}

/** The seed of `--sample` without `--seed`: fixed, and printed with the subset, so a sample can be drawn again. */
export const DEFAULT_SEED = 1;

/** True when any subset flag is set. */
export function isSubset(flags: SubsetFlags | undefined): flags is SubsetFlags {
  return flags !== undefined && Object.values(flags).some((v) => v !== undefined);
}

/** The key of a cell's coordinates, for sets of cells. */
export function cellKey(cell: CellCoords): string {
  return `${cell.providerLabel}\0${cell.promptId}\0${cell.testId}`;
}

/**
 * The cells (provider × prompt × test) that failed or errored in a run, in any repeat; attack cells aside. What
 * `--failing` selects, and what a watch session's "re-run only failing cells" can pass to `createPlan` as
 * `{ subset: failingCells(store, runId) }`. A test whose identity changed since matches no cell of the suite now.
 */
export function failingCells(store: Store, runId: string): CellFilter & { size: number } {
  const keys = new Set<string>();
  for (const v of store.results.verdicts(runId)) if (v.status !== 'pass') keys.add(cellKey(v));
  return { size: keys.size, includes: (cell) => keys.has(cellKey(cell)) };
}

/**
 * The run `--failing [run]` reads: the run given (an id, `latest` or `latest~N` among the suite's runs, subsets
 * included: a subset's failures narrow down further), by default the suite's latest run. USAGE or RUN_NOT_FOUND.
 */
export function failingRun(store: Store, ref: true | string, suitePath: string): RunRecord {
  const name = ref === true ? 'latest' : ref;
  const run = store.runs.byRef(name, { suitePath });
  if (!run) {
    throw new LlmlabError('RUN_NOT_FOUND', `--failing: no run \`${name}\` of this suite in ${store.path}`, {
      where: { file: suitePath },
      hint: ref === true ? 'run the suite once first; --failing re-runs the cells that failed in its latest run' : 'list runs with `llmlab runs`',
    });
  }
  if (run.suitePath !== suitePath) {
    throw new LlmlabError('USAGE', `--failing ${name}: run ${run.id} is a run of another suite (${run.suitePath})`, {
      where: { file: suitePath },
      hint: 'name a run of this suite (`llmlab runs`), or leave the run out for the suite\'s latest',
    });
  }
  return run;
}

/**
 * Makes the subset of `plan` (the whole suite's plan) the flags select. The flags intersect: --provider,
 * --prompt, --failing and --filter each keep the cells they match, then --first or --sample takes N of the tests
 * left. An unknown provider or prompt, an invalid regex, or a selection that comes out empty is a USAGE error
 * (exit 2) naming the flag; `store` is needed for --failing only.
 */
export function resolveSubset(plan: Plan, flags: SubsetFlags, store?: Store): CellSubset {
  const { suite } = plan;
  const select: SubsetSelection = {};
  let cells = [...plan.cells()].filter((c) => c.repeatIndex === 0);
  const applied: string[] = [];
  const keep = (flag: string, predicate: (cell: (typeof cells)[number]) => boolean, emptied: () => string) => {
    cells = cells.filter(predicate);
    if (cells.length === 0) {
      const after = applied.length === 0 ? '' : ` (after ${applied.join(', ')})`;
      throw new LlmlabError('USAGE', `${emptied()}${after}: the selection is empty`, {
        where: { file: suite.path },
        hint: `loosen ${flag}; \`llmlab plan <suite> ${flag} …\` shows what a selection holds without running it`,
      });
    }
    applied.push(flag);
  };

  if (flags.providers?.length) {
    const labels = new Set<string>();
    for (const name of flags.providers) {
      const matching = suite.providers.filter((p) => p.label === name || p.id === name);
      if (matching.length === 0) {
        throw new LlmlabError('USAGE', `--provider ${name}: no such provider in this suite`, {
          where: { file: suite.path },
          hint: `give a label or id: ${suite.providers.map((p) => (p.label === p.id ? p.label : `${p.label} (${p.id})`)).join(', ')}`,
        });
      }
      for (const p of matching) labels.add(p.label);
    }
    select.providers = flags.providers;
    keep('--provider', (c) => labels.has(c.provider.label), () => `--provider ${flags.providers!.join(', ')} has no cells`);
  }
  if (flags.prompts?.length) {
    const ids = [...plan.prompts.map((p) => p.id), ...(suite.security?.tests.length ? ['attack'] : [])];
    for (const id of flags.prompts) {
      if (!ids.includes(id)) {
        throw new LlmlabError('USAGE', `--prompt ${id}: no such prompt in this suite`, { where: { file: suite.path }, hint: `give a prompt id: ${ids.join(', ')}` });
      }
    }
    select.prompts = flags.prompts;
    keep('--prompt', (c) => flags.prompts!.includes(c.prompt.id), () => `--prompt ${flags.prompts!.join(', ')} has no cells`);
  }
  if (flags.failing !== undefined) {
    if (!store) throw new Error('resolveSubset: --failing needs the store');
    const run = failingRun(store, flags.failing, suite.path);
    const failing = failingCells(store, run.id);
    select.failing = run.id;
    const coords = (c: (typeof cells)[number]) => ({ providerLabel: c.provider.label, promptId: c.prompt.id, testId: c.test.id });
    keep('--failing', (c) => failing.includes(coords(c)), () =>
      failing.size === 0
        ? `--failing: run ${run.id} has no failed or errored cell`
        : `--failing: none of the ${failing.size} failed or errored cells of run ${run.id} is in the suite now (their tests changed or were removed)`);
  }
  if (flags.filter !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(flags.filter);
    } catch (error) {
      throw new LlmlabError('USAGE', `--filter: ${messageOf(error)}`, {
        hint: 'give a JavaScript regular expression, tried on each test\'s description and id, e.g. `--filter refund` or `--filter "^billing-"`',
      });
    }
    select.filter = flags.filter;
    keep('--filter', (c) => re.test(c.test.description ?? '') || re.test(c.test.id), () => `--filter ${flags.filter} matches no test description or id`);
  }
  if (flags.tests?.length) {
    const ids = new Set(flags.tests);
    const known = new Set(suite.tests.map((t) => t.id));
    const unknown = flags.tests.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new LlmlabError('USAGE', `no test \`${unknown[0]}\` in this suite${unknown.length > 1 ? ` (nor ${unknown.length - 1} more)` : ''}`, {
        where: { file: suite.path },
        hint: 'pick tests by their id; the suite may have changed since its tests were listed',
      });
    }
    select.tests = flags.tests;
    keep('--test', (c) => ids.has(c.test.id), () => 'the tests picked have no cells');
  }
  const n = flags.first ?? flags.sample;
  if (n !== undefined) {
    const present = new Set(cells.map((c) => c.test.id));
    const order = [...suite.tests, ...(suite.security?.tests ?? [])].map((t) => t.id).filter((id) => present.has(id));
    let chosen: string[];
    if (flags.first !== undefined) {
      select.first = flags.first;
      chosen = order.slice(0, flags.first);
    } else {
      const seed = flags.seed ?? DEFAULT_SEED;
      Object.assign(select, { sample: flags.sample, seed });
      chosen = sample(order, n, seed);
    }
    const tests = new Set(chosen);
    keep(flags.first !== undefined ? '--first' : '--sample', (c) => tests.has(c.test.id), () => 'no test to take');
  }
  const keys = new Set(cells.map((c) => cellKey({ providerLabel: c.provider.label, promptId: c.prompt.id, testId: c.test.id })));
  return { select, flags: subsetFlagsText(select), includes: (cell) => keys.has(cellKey(cell)) };
}

/**
 * `n` of `ids`, in their order: those whose hash with the seed is smallest. The same on every machine, and adding
 * a test to the suite changes the draw by at most that test.
 */
export function sample(ids: readonly string[], n: number, seed: number): string[] {
  const rank = (id: string) => createHash('sha256').update(`${seed}\0${id}`).digest('hex');
  const picked = new Set(ids.map((id) => ({ id, r: rank(id) })).sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0)).slice(0, n).map((x) => x.id));
  return ids.filter((id) => picked.has(id));
}

/** The selection as flags, in a fixed order, quoted for a shell where needed: `--filter 'a b' --first 5`. */
export function subsetFlagsText(select: SubsetSelection): string {
  const quote = (v: string) => (/^[\w.:@/^$*+?=,-]+$/.test(v) ? v : `'${v.replaceAll("'", "'\\''")}'`);
  const parts: string[] = [];
  for (const p of select.providers ?? []) parts.push(`--provider ${quote(p)}`);
  for (const p of select.prompts ?? []) parts.push(`--prompt ${quote(p)}`);
  if (select.failing !== undefined) parts.push(`--failing ${select.failing}`);
  if (select.filter !== undefined) parts.push(`--filter ${quote(select.filter)}`);
  // Picked by id (no command-line flag): a long pick is named by its first ids and its size.
  const tests = select.tests ?? [];
  for (const id of tests.slice(0, 3)) parts.push(`--test ${quote(id)}`);
  if (tests.length > 3) parts.push(`(+${tests.length - 3} tests)`);
  if (select.first !== undefined) parts.push(`--first ${select.first}`);
  if (select.sample !== undefined) parts.push(`--sample ${select.sample} --seed ${select.seed ?? DEFAULT_SEED}`);
  return parts.join(' ');
}

/** What a subset's run records about itself: its flags, and the cells it and the whole suite planned. */
export function runSubsetOf(plan: Pick<Plan, 'totalCells' | 'suiteCells'> & { subset?: CellFilter }): RunSubset | undefined {
  const subset = plan.subset as CellSubset | undefined;
  if (!subset) return undefined;
  return { flags: subset.flags, select: subset.select, cells: plan.totalCells, suiteCells: plan.suiteCells };
}

/**
 * `--resume` continues the run as it was planned: a subset's run re-applies its stored selection (subset flags
 * may be left out, or given the same), and a whole run takes none. Returns the flags to plan with.
 */
export function resumedSubset(run: RunRecord, flags: SubsetFlags | undefined): SubsetFlags | undefined {
  const had = run.options.subset;
  if (!isSubset(flags)) return had?.select;
  if (!had) {
    throw new LlmlabError('USAGE', `run ${run.id} is a whole run, not a subset`, { hint: 'resume it without the subset flags' });
  }
  // `--failing` without a run on the resume means the run the subset was taken from.
  const given = subsetFlagsText({ ...flags, failing: flags.failing === true ? had.select.failing : flags.failing } as SubsetSelection);
  if (given !== had.flags) {
    throw new LlmlabError('USAGE', `run ${run.id} is the subset \`${had.flags}\`, not \`${given}\``, {
      hint: 'resume it with the same subset flags, or with none',
    });
  }
  return had.select;
}
