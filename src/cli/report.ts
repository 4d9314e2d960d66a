/** `llmlab report <run>`: re-render a stored run from the database, optionally against a baseline. */
import { dirname } from 'node:path';
import { findRun } from '../report/compare/compare-runs.js';
import { compareWithBaseline, resolveBaseline } from '../report/compare/baseline.js';
import { formatBaselineSection, formatGateLines } from '../report/console/gates-lines.js';
import { shardLabel } from '../report/model/partial-run.js';
import { summarizeRun } from '../report/summary.js';
import { failureLines } from '../report/console/failures-lines.js';
import { formatSummaryTable, tableWidth } from '../report/console/table.js';
import { createContext, list } from './context.js';
import { checkOutputs, writeOutputs } from './outputs.js';
import type { CliIo } from './io.js';

export async function reportCommand(
  runRef: string,
  flags: { output?: string | string[]; db?: string; baseline?: string; gate?: boolean; verbose?: boolean; wide?: boolean },
  io: CliIo,
): Promise<number> {
  const outputs = list(flags.output);
  checkOutputs(outputs);
  const ctx = await createContext(flags, io);
  const store = ctx.store();
  const run = findRun(store, String(runRef));
  // The same resolution and comparison as `llmlab eval --baseline`, so both reach the same gate verdict.
  const baselineRun =
    flags.baseline === undefined
      ? undefined
      : await resolveBaseline(store, String(flags.baseline), { path: run.suitePath, baseDir: dirname(run.suitePath) }, io.cwd);
  const baseline = baselineRun && compareWithBaseline(store, baselineRun, run);
  const summary = summarizeRun(store, run, { baseline });
  if (outputs.length === 0) {
    const part = run.shard ? `, ${summary.gate.partial ?? `${shardLabel(run.shard)} merged`}` : '';
    io.stdout.write(`run ${run.id} (${run.status}${part})\n${formatSummaryTable(summary, { baseline, width: tableWidth(io.stdout, flags.wide) })}\n`);
    if (baseline) io.stdout.write(`${formatBaselineSection(baseline, io.cwd)}\n`);
    const comparison = baseline && 'comparison' in baseline ? baseline.comparison : undefined;
    const failures = failureLines(store, run, { verbose: flags.verbose, comparison });
    if (failures.length > 0) io.stdout.write(`${failures.join('\n')}\n`);
  }
  await writeOutputs(outputs, store, run, summary, { baseline, baselineRun, io, outputDir: ctx.project.outputDir });
  // The verdict as `llmlab eval` gave it, also for a run made elsewhere (a merge of shards, a CI artifact).
  io.stdout.write(`${formatGateLines(summary.gate).join('\n')}\n`);
  return summary.gate.passed ? 0 : 1;
}
