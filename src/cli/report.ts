/** `llmlab report <run>`: re-render a stored run from the database. */
import { LlmlabError } from '../errors.js';
import { summarizeRun } from '../report/summary.js';
import { formatSummaryTable } from '../report/table.js';
import { createContext, list } from './context.js';
import { checkOutputs, writeOutputs } from './outputs.js';

export async function reportCommand(runRef: string, flags: { output?: string | string[]; db?: string }): Promise<number> {
  const outputs = list(flags.output);
  checkOutputs(outputs);
  const ctx = await createContext(flags);
  const store = ctx.store();
  const run = runRef === 'latest' ? store.runs.latest() : store.runs.get(runRef);
  if (!run) {
    throw new LlmlabError('RUN_NOT_FOUND', `no run \`${runRef}\` in ${store.path}`, {
      hint: 'list runs with `llmlab runs`; `latest` names the newest',
    });
  }
  const summary = summarizeRun(store, run);
  if (outputs.length === 0) process.stdout.write(`run ${run.id} (${run.status})\n${formatSummaryTable(summary)}\n`);
  writeOutputs(outputs, store, run, summary);
  return 0;
}
