/** `llmlab merge a.db b.db … -o merged.db`: the shards of a run become one run, which reports like any other. */
import { relative, resolve, sep } from 'node:path';
import { LlmlabError } from '../errors.js';
import { partialRun, ranges, shardLabel } from '../report/model/partial-run.js';
import { openStore } from '../store/index.js';
import { openMergeDb } from '../store/merge-select.js';
import { mergeShards } from '../store/merge.js';
import { list } from './context.js';
import type { CliIo } from './io.js';

export async function mergeCommand(files: string[], flags: { output?: string | string[]; suite?: string }, io: CliIo): Promise<number> {
  const inputs = list(files).map((f) => resolve(io.cwd, f));
  if (inputs.length === 0) {
    throw new LlmlabError('USAGE', 'llmlab merge needs the database files of the shards', {
      hint: 'e.g. `llmlab merge .llmlab/llmlab.shard-*.db -o merged.db`',
    });
  }
  const outputs = list(flags.output);
  if (outputs.length !== 1) {
    throw new LlmlabError('USAGE', `llmlab merge writes one database: give -o once${outputs.length > 1 ? `, not ${outputs.length} times` : ''}`, {
      hint: 'e.g. `-o merged.db` (a new file, or an existing database to add the merged run to)',
    });
  }
  const out = resolve(io.cwd, outputs[0]!);
  openMergeDb(out, false).close(); // a clean exit-2 error when -o names a file that is not a database
  const store = openStore(out);
  try {
    const outcome = mergeShards(store, inputs, flags.suite === undefined ? {} : { suite: suiteMatcher(String(flags.suite), io.cwd) });
    const show = (p: string) => relative(io.cwd, p) || p;
    for (const f of outcome.files) {
      if (f.leftOut.length === 0) continue;
      io.stderr.write(
        `${show(f.file)}: left out ${f.leftOut.length} sharded run${f.leftOut.length === 1 ? '' : 's'} of other runs ` +
          `(${[...new Set(f.leftOut.map((r) => show(r.suitePath)))].join(', ')}): each file gives its newest run's shards; --suite picks a suite\n`,
      );
    }
    const { run, cells } = outcome;
    const runs = outcome.files.reduce((n, f) => n + f.runs.length, 0);
    const partial = partialRun(run);
    io.stdout.write(
      [
        `merged ${runs} run${runs === 1 ? '' : 's'} from ${inputs.length} file${inputs.length === 1 ? '' : 's'} into run ${run.id} ` +
          `in ${show(out)} (${outcome.created ? 'new' : 'updated'})`,
        `  ${shardLabel(run.shard!)}, ${run.totalCells} of ${run.shard!.suiteCells} cells: ${cells.added} added, ` +
          `${cells.replaced} replaced by a better row, ${cells.duplicates} duplicate${cells.duplicates === 1 ? '' : 's'} left out; ` +
          `${outcome.responses} cached answer${outcome.responses === 1 ? '' : 's'} added`,
        ...(partial ? [`  ${partial.label}: shard${partial.missing.length === 1 ? '' : 's'} ${ranges(partial.missing)} not merged yet`] : []),
        `report it: llmlab report ${run.id} --db ${show(out)} --gate -o report.json`,
      ].join('\n') + '\n',
    );
    return 0;
  } finally {
    store.close();
  }
}

/** `--suite suites/q.yaml` matches a run of that file, here or checked out elsewhere (another worker's path). */
function suiteMatcher(given: string, cwd: string): (suitePath: string) => boolean {
  const absolute = resolve(cwd, given);
  const tail = `/${given.replace(/^\.\//, '').split(sep).join('/')}`;
  return (suitePath) => suitePath === absolute || suitePath.split(sep).join('/').endsWith(tail);
}
