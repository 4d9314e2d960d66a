/**
 * The quality table of a `strategy: quality` model: the standings of its candidates in the latest completed whole
 * run of `quality.suite`, kept current while the gateway serves. A gateway refuses to start without a run or
 * without a qualifying candidate (a route that can serve nobody is a config mistake); once serving, a newer run
 * that qualifies nobody only warns, and the previous table stays (one bad eval must not take production down).
 */
import { realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { LlmlabError } from '../errors.js';
import { pct } from '../report/shared.js';
import type { Store } from '../store/index.js';
import { latestCompletedRunId, storedSuitePaths } from '../store/quality-rows.js';
import { standingsOf, type CandidateStanding } from './quality-standings.js';
import type { GatewayCandidate, QualityRule } from './types.js';

export type { CandidateStanding } from './quality-standings.js';

/** What {@link QualityTable.refresh} did. */
export interface QualityRefresh {
  /** True when the standings now come from a newer run. */
  changed: boolean;
  /** The run the table holds after the refresh. */
  runId: string;
  /** Set when a newer run was found and not taken (it qualifies nobody, or lacks the metric); said once per run. */
  warning?: string;
}

export interface QualityTable {
  readonly rule: QualityRule;
  /** The run the standings come from. */
  readonly runId: string;
  /** Every candidate, in config order. */
  readonly standings: readonly CandidateStanding[];
  /** The standing of one candidate by label. */
  standing(label: string): CandidateStanding | undefined;
  /** Looks for a newer completed run and takes it when it qualifies someone. */
  refresh(): QualityRefresh;
}

/** Options of {@link loadQualityTable}. */
export interface QualityTableOptions {
  /** The virtual model's name, for messages. */
  model?: string;
  /** The directory the user runs commands from: the hint's suite path is written relative to it. */
  cwd?: string;
}

/**
 * Reads the latest completed whole run of `rule.suite` and ranks `candidates` on it. Throws RUN_NOT_FOUND when the
 * suite has no such run, and CONFIG_INVALID when no candidate's lower bound reaches `rule.minRate`.
 */
export function loadQualityTable(
  store: Store,
  rule: QualityRule,
  candidates: readonly GatewayCandidate[],
  options: QualityTableOptions = {},
): QualityTable {
  const model = options.model ? `${options.model}: ` : '';
  const suiteShown = shownPath(rule.suite, options.cwd);
  const evalHint = `llmlab eval ${suiteShown}`;
  const firstRun = latestCompletedRunId(store.db, suitePathsOf(store, rule.suite));
  if (firstRun === undefined) {
    throw new LlmlabError('RUN_NOT_FOUND', `${model}quality routing needs a completed run of ${suiteShown}, and the store (${store.path}) has none${elsewhere(store, rule.suite)}`, {
      hint: `run \`${evalHint}\` first (a whole run: not a shard or a --filter subset)`,
    });
  }
  let runId = firstRun;
  let standings = compute(firstRun);
  const none = noneQualifies(standings);
  if (none) {
    throw new LlmlabError('CONFIG_INVALID', `${model}no candidate qualifies for quality routing on '${rule.metric}' of run ${runId}: ${none}`, {
      hint: `lower quality.minRate, add candidates, or improve the prompt and run \`${evalHint}\` again`,
    });
  }
  let rejected: string | undefined;

  function compute(id: string): CandidateStanding[] {
    const run = store.runs.get(id);
    return standingsOf(store, id, rule, candidates, run?.options.repeat ?? 1);
  }

  return {
    rule,
    get runId() {
      return runId;
    },
    get standings() {
      return standings;
    },
    standing: (label) => standings.find((s) => s.label === label),
    refresh() {
      const latest = latestCompletedRunId(store.db, suitePathsOf(store, rule.suite));
      if (latest === undefined || latest === runId || latest === rejected) return { changed: false, runId };
      let next: CandidateStanding[];
      try {
        next = compute(latest);
      } catch (error) {
        if (!(error instanceof LlmlabError)) throw error;
        rejected = latest;
        return { changed: false, runId, warning: `${model}run ${latest} of ${suiteShown} not used for routing: ${error.message}; still routing on run ${runId}` };
      }
      const reason = noneQualifies(next);
      if (reason) {
        rejected = latest;
        return { changed: false, runId, warning: `${model}run ${latest} of ${suiteShown} qualifies no candidate (${reason}); still routing on run ${runId}` };
      }
      runId = latest;
      standings = next;
      return { changed: true, runId };
    },
  };

  /** Undefined when someone qualifies, else each candidate's lower bound against minRate. */
  function noneQualifies(list: readonly CandidateStanding[]): string | undefined {
    if (list.some((s) => s.qualifies)) return undefined;
    return list
      .map((s) => `${s.label} ${s.n === 0 ? (s.reason ?? 'no cells') : `lower bound ${pct(s.lower)} < minRate ${pct(rule.minRate)} (${pct(s.rate)} of ${s.n})`}`)
      .join('; ');
  }
}

/** Options of {@link watchQualityTable}. */
export interface WatchQualityOptions {
  /** How often to look for a newer run, ms. */
  intervalMs: number;
  /** The table took a newer run. */
  onChange?: (table: QualityTable) => void;
  /** A newer run was not taken, or looking failed (a locked database): the gateway logs it and serves on. */
  onWarning?: (message: string) => void;
}

/**
 * Polls for a newer run so the route table follows new evals without a restart. One indexed lookup per tick; the
 * timer is unref'd (it never keeps a process alive) and `stop()` ends it.
 */
export function watchQualityTable(table: QualityTable, options: WatchQualityOptions): { stop(): void } {
  const timer = setInterval(() => {
    try {
      const result = table.refresh();
      if (result.warning) options.onWarning?.(result.warning);
      if (result.changed) options.onChange?.(table);
    } catch (error) {
      options.onWarning?.(`looking for a newer run of ${table.rule.suite} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * The stored paths that are this suite. `llmlab eval` stores the absolute path it was given (resolved, not
 * real), so the same file reached through a symlink (macOS /tmp, a linked checkout) is stored under another
 * path: every stored path whose real path is the suite's real path counts.
 */
function suitePathsOf(store: Store, suite: string): string[] {
  const real = realPath(suite);
  const paths = new Set([suite]);
  if (real === undefined) return [...paths];
  paths.add(real);
  for (const stored of storedSuitePaths(store.db)) if (!paths.has(stored) && realPath(stored) === real) paths.add(stored);
  return [...paths];
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Runs of a file of the same name at another path (a moved project, a copy): worth saying beside "none". */
function elsewhere(store: Store, suite: string): string {
  const name = suite.split(sep).pop()!;
  const others = storedSuitePaths(store.db).filter((p) => p !== suite && p.split(/[\\/]/).pop() === name);
  return others.length === 0 ? '' : ` (it has runs of ${others.slice(0, 3).join(', ')}: another path)`;
}

function shownPath(path: string, cwd: string | undefined): string {
  if (cwd === undefined) return path;
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}
