/** `llmlab compare <runA> <runB>`: run B against run A over the cells both ran, matched by test identity. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { formatRunComparison } from '../report/compare-lines.js';
import { compareRuns, findRun } from '../report/compare-runs.js';
import { createContext } from './context.js';
import { version } from './version.js';

export interface CompareFlags {
  output?: string | string[];
  json?: boolean;
  db?: string;
}

export async function compareCommand(refA: string, refB: string, flags: CompareFlags): Promise<number> {
  const output = outputPath(flags.output);
  const ctx = await createContext(flags);
  const store = ctx.store();
  const comparison = compareRuns(store, findRun(store, String(refA)), findRun(store, String(refB)));
  const json = `${JSON.stringify({ generator: `llmlab ${version}`, ...comparison }, null, 2)}\n`;
  if (flags.json) process.stdout.write(json);
  else process.stdout.write(`${formatRunComparison(comparison)}\n`);
  if (output) {
    mkdirSync(dirname(resolve(output)), { recursive: true });
    writeFileSync(resolve(output), json);
    process.stderr.write(`wrote ${output}\n`);
  }
  return 0;
}

/** One `-o` file, and only JSON: checked before the database is opened. */
function outputPath(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const paths = Array.isArray(value) ? value.map(String) : [String(value)];
  if (paths.length > 1) throw new LlmlabError('USAGE', 'compare writes one report: give -o once');
  const path = paths[0]!;
  if (extname(path).toLowerCase() !== '.json') {
    throw new LlmlabError('USAGE', `cannot write \`${path}\`: compare reports are JSON only`, {
      hint: 'name the file with a .json extension, or use --json to print the JSON',
    });
  }
  return path;
}
