/** A real store in a temp dir, and runs written into it cell by cell, for the report tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openStore, type Store } from '../../src/store/index.js';
import type { CellResult, CellStatus } from '../../src/types.js';

export function tempStore(): { store: Store; dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'llmlab-report-'));
  const store = openStore(join(dir, 'db.sqlite'));
  return { store, dir, dispose: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** A cell of `prompt` × `provider` on test `t<test>`. */
export function verdictCell(prompt: string, provider: string, test: number, status: CellStatus, repeat = 0): CellResult {
  return {
    cellId: `${provider}:${prompt}:t${test}:${repeat}`, providerId: provider, providerLabel: provider, promptId: prompt,
    testId: `t${test}`, testIndex: test, repeatIndex: repeat, vars: {}, prompt: 'q', output: 'x'.repeat(50), status,
    score: status === 'pass' ? 1 : 0, assertions: [], latencyMs: 1, cost: 0, cached: false,
  };
}

export function storeRun(store: Store, cells: CellResult[]) {
  const run = store.runs.create({
    suitePath: '/s.yaml', suiteHash: 'h', totalCells: cells.length,
    options: { concurrency: 1, repeat: 1, cache: true, llmlabVersion: 't' },
  });
  cells.forEach((c, i) => store.results.put(run.id, c, i));
  store.runs.setStatus(run.id, 'completed');
  return store.runs.get(run.id)!;
}

/** Cells for per-test verdict rows: `rows[i][j]` is prompt j's verdict on test i (undefined: no cell). */
export function promptGrid(provider: string, prompts: string[], rows: Array<Array<CellStatus | undefined>>): CellResult[] {
  return rows.flatMap((row, test) =>
    prompts.flatMap((prompt, j) => (row[j] === undefined ? [] : [verdictCell(prompt, provider, test, row[j]!)])),
  );
}

export function reportValidator() {
  return schemaValidator('report');
}

/** Validates `llmlab compare` JSON against schemas/compare.schema.json. */
export function compareValidator() {
  return schemaValidator('compare');
}

function schemaValidator(name: 'report' | 'compare') {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8')));
}
