/**
 * After a storage fault stopped a run (disk full, database locked, I/O error): write whatever reports can still be
 * written from what the store holds, say how to continue, and hand the fault back for the CLI to print (exit 3).
 * A report that fails too is named and skipped; it must not hide the fault that matters.
 */
import { relative } from 'node:path';
import { messageOf, type LlmlabError } from '../errors.js';
import type { RunOutcome } from '../engine/run.js';
import { summarizeRun } from '../report/summary.js';
import { formatSummaryTable } from '../report/console/table.js';
import type { Store } from '../store/index.js';
import { writeOutputs } from './outputs.js';
import type { CliIo } from './io.js';

/** Reports what it can of the stopped run and returns its fault, for the caller to throw. */
export async function reportFault(
  store: Store,
  outcome: RunOutcome & { fault: LlmlabError },
  outputs: string[],
  suitePath: string,
  io: CliIo,
  outputDir?: string,
): Promise<LlmlabError> {
  const shown = relative(io.cwd, suitePath);
  try {
    const run = store.runs.get(outcome.run.id) ?? outcome.run;
    const summary = summarizeRun(store, run);
    io.stdout.write(`\n${shown}\n${formatSummaryTable(summary)}\n`);
    for (const path of outputs) {
      try {
        await writeOutputs([path], store, run, summary, { io, outputDir });
      } catch (error) {
        io.stderr.write(`could not write ${path}: ${messageOf(error)}\n`);
      }
    }
  } catch (error) {
    io.stderr.write(`could not read the run back for its reports: ${messageOf(error)}\n`);
  }
  io.stderr.write(
    `stopped by a storage fault: fix it, then resume with \`llmlab eval ${shown} --resume ${outcome.run.id}\`\n` +
      (outcome.statusSaved === false ? `(the run could not be marked interrupted and still reads \`running\`; --resume continues it all the same)\n` : ''),
  );
  return outcome.fault;
}
