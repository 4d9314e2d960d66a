/** Writes the `-o` report files of a run. The format follows the file extension. */
import { extname, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { writeJsonReport } from '../report/json.js';
import type { RunSummary } from '../report/summary.js';
import type { RunRecord, Store } from '../store/index.js';
import { version } from './version.js';

const FORMATS = ['.json'];

/** Fails before a run starts when an output's format is unknown, so no run is wasted on a typo. */
export function checkOutputs(paths: string[]): void {
  for (const path of paths) {
    if (!FORMATS.includes(extname(path).toLowerCase())) {
      throw new LlmlabError('USAGE', `cannot write \`${path}\`: unknown report format \`${extname(path) || '(none)'}\``, {
        hint: `use one of: ${FORMATS.join(', ')}`,
      });
    }
  }
}

export function writeOutputs(paths: string[], store: Store, run: RunRecord, summary: RunSummary): void {
  for (const path of paths) {
    writeJsonReport(resolve(path), store, run, summary, version);
    process.stderr.write(`wrote ${path}\n`);
  }
}
