/** `llmlab report <run>`: re-render a stored run from the database, optionally against a baseline. */
import { dirname } from 'node:path';
import { findRun } from '../report/compare-runs.js';
import { compareWithBaseline, resolveBaseline } from '../report/gates-baseline.js';
import { formatBaselineSection } from '../report/gates-lines.js';
import { summarizeRun } from '../report/summary.js';
import { formatSummaryTable } from '../report/table.js';
import { createContext, list } from './context.js';
import { checkOutputs, writeOutputs } from './outputs.js';

export async function reportCommand(
  runRef: string,
  flags: { output?: string | string[]; db?: string; baseline?: string },
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
    process.stdout.write(`run ${run.id} (${run.status})\n${formatSummaryTable(summary)}\n`);
    if (baseline) process.stdout.write(`${formatBaselineSection(baseline)}\n`);
  }
  await writeOutputs(outputs, store, run, summary, { baseline, baselineRun });
  return 0;
}
