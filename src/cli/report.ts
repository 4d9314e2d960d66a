/** `llmlab report <run>`: re-render a stored run from the database, optionally against a baseline. */
import { dirname } from 'node:path';
import { findRun } from '../report/compare/compare-runs.js';
import { compareWithBaseline, resolveBaseline } from '../report/compare/baseline.js';
import { formatBaselineSection, formatGateLines } from '../report/console/gates-lines.js';
import { shardLabel } from '../report/model/partial-run.js';
import { summarizeRun } from '../report/summary.js';
import { formatSummaryTable } from '../report/console/table.js';
import { createContext, list } from './context.js';
import { checkOutputs, writeOutputs } from './outputs.js';

export async function reportCommand(
  runRef: string,
  flags: { output?: string | string[]; db?: string; baseline?: string; gate?: boolean },
): Promise<number> {
  const outputs = list(flags.output);
  checkOutputs(outputs);
  const ctx = await createContext(flags);
  const store = ctx.store();
  const run = findRun(store, String(runRef));
  // The same resolution and comparison as `llmlab eval --baseline`, so both reach the same gate verdict.
  const baselineRun =
    flags.baseline === undefined
      ? undefined
      : await resolveBaseline(store, String(flags.baseline), { path: run.suitePath, baseDir: dirname(run.suitePath) });
  const baseline = baselineRun && compareWithBaseline(store, baselineRun, run);
  const summary = summarizeRun(store, run, { baseline });
  if (outputs.length === 0) {
    const part = run.shard ? `, ${summary.gate.partial ?? `${shardLabel(run.shard)} merged`}` : '';
    process.stdout.write(`run ${run.id} (${run.status}${part})\n${formatSummaryTable(summary)}\n`);
    if (baseline) process.stdout.write(`${formatBaselineSection(baseline)}\n`);
  }
  await writeOutputs(outputs, store, run, summary, { baseline, baselineRun });
  // `--gate`: the verdict as `llmlab eval` gives it, for a run made elsewhere (a merge of shards, a CI artifact).
  if (!flags.gate) return 0;
  process.stdout.write(`${formatGateLines(summary.gate).join('\n')}\n`);
  return summary.gate.passed ? 0 : 1;
}
