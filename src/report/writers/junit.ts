/**
 * The JUnit XML report: one `<testsuite>` per prompt × provider (named `prompt × provider`), one `<testcase>` per
 * cell. A failed verdict is a `<failure>`, an error (the call or a metric broke) an `<error>`, a skipped cell
 * `<skipped/>`, so CI tools tell "the model answered wrong" from "the eval could not run". Attack cells are test cases
 * too (suite `attack × target`): a successful attack is a `<failure type="attack">` naming its family and strategy.
 *
 * The store streams cells in test order, interleaving the suites. Each suite's test cases go to their own temp
 * file as they stream by, and the report is assembled from those files, so a 100,000-cell run is never in memory.
 */
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunRecord, Store } from '../../store/index.js';
import type { CellResult } from '../../types.js';
import { subsetOf } from '../model/subset.js';
import { xmlAttr, xmlText } from './junit-xml.js';
import { writeAtomic } from './write-atomic.js';

/** A suite's buffered test cases are written out past this many characters. */
const FLUSH_CHARS = 1 << 15;

interface SuitePart {
  name: string;
  file: string;
  buffer: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  seconds: number;
}

/** Writes the JUnit XML report of `run` to `path`. */
export function writeJunitReport(path: string, store: Store, run: RunRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'llmlab-junit-'));
  try {
    const suites = new Map<string, SuitePart>();
    for (const cell of store.results.iterate(run.id)) {
      const key = `${cell.promptId}\0${cell.providerLabel}`;
      let suite = suites.get(key);
      if (!suite) {
        const name = `${cell.promptId} × ${cell.providerLabel}`;
        suite = { name, file: join(scratch, `${suites.size}.xml`), buffer: '', tests: 0, failures: 0, errors: 0, skipped: 0, seconds: 0 };
        suites.set(key, suite);
      }
      count(suite, cell);
      suite.buffer += testCase(cell, suite.name, run.options.repeat > 1);
      if (suite.buffer.length > FLUSH_CHARS) flush(suite);
    }
    const ordered = suiteOrder([...suites.values()], run);
    for (const suite of ordered) flush(suite);
    assemble(path, run, ordered);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function count(suite: SuitePart, cell: CellResult): void {
  suite.tests++;
  if (cell.status === 'fail') suite.failures++;
  else if (cell.status === 'error') suite.errors++;
  else if (cell.status === 'skipped') suite.skipped++;
  suite.seconds += cell.latencyMs / 1000;
}

function flush(suite: SuitePart): void {
  if (suite.buffer === '') return;
  appendFileSync(suite.file, suite.buffer);
  suite.buffer = '';
}

function testCase(cell: CellResult, suiteName: string, repeated: boolean): string {
  const name = `${cell.description ?? cell.testId}${repeated ? ` #${cell.repeatIndex + 1}` : ''}`;
  const open = `    <testcase name="${xmlAttr(name)}" classname="${xmlAttr(suiteName)}" time="${seconds(cell.latencyMs / 1000)}"`;
  if (cell.status === 'pass') return `${open}/>\n`;
  if (cell.status === 'skipped') {
    return `${open}>\n      <skipped${cell.error ? ` message="${xmlAttr(cell.error)}"` : ''}/>\n    </testcase>\n`;
  }
  const out = cell.output === '' ? '' : `      <system-out>${xmlText(cell.output)}</system-out>\n`;
  if (cell.status === 'error') {
    const message = cell.error ?? errorsOf(cell) ?? 'error';
    return `${open}>\n      <error message="${xmlAttr(message)}" type="error">${xmlText(message)}</error>\n${out}    </testcase>\n`;
  }
  const failing = cell.assertions.filter((a) => !a.pass);
  const reasons = failing.map((a) => `${a.metric}: ${a.reason ?? `score ${a.score}`}`);
  const attack = cell.attack;
  const what = attack ? `attack succeeded: ${attack.family}/${attack.strategy} (${attack.template}, severity ${attack.severity})` : '';
  const message = [what, reasons.join('; ') || (attack ? '' : `score ${cell.score}`)].filter(Boolean).join(': ');
  const body = [what, ...reasons].filter(Boolean).join('\n') || message;
  return (
    `${open}>\n      <failure message="${xmlAttr(message)}" type="${attack ? 'attack' : 'assertion'}">${xmlText(body)}</failure>\n` +
    `${out}    </testcase>\n`
  );
}

function errorsOf(cell: CellResult): string | undefined {
  const errors = cell.assertions.filter((a) => a.error).map((a) => `${a.metric}: ${a.error}`);
  return errors.length > 0 ? errors.join('; ') : undefined;
}

/** Suites in the suite file's order (providers as listed, then prompts), which the run records. */
function suiteOrder(suites: SuitePart[], run: RunRecord): SuitePart[] {
  const { providers = [], prompts = [] } = run.options;
  const rank = new Map<string, number>(
    providers.flatMap((provider, i) => prompts.map((prompt, j) => [`${prompt} × ${provider}`, i * prompts.length + j] as const)),
  );
  const at = (s: SuitePart) => rank.get(s.name) ?? Number.MAX_SAFE_INTEGER;
  return suites.map((s, i) => ({ s, i })).sort((a, b) => at(a.s) - at(b.s) || a.i - b.i).map((x) => x.s);
}

function assemble(path: string, run: RunRecord, suites: SuitePart[]): void {
  const sum = (pick: (s: SuitePart) => number) => suites.reduce((n, s) => n + pick(s), 0);
  const timestamp = new Date(run.createdAt).toISOString().slice(0, 19);
  const name = run.description ?? run.suitePath;
  const subset = subsetOf(run);
  // Atomic: a disk that fills mid-report leaves the previous report, not a cut XML file CI would fail to parse.
  writeAtomic(path, (write) => {
    write(
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlAttr(`llmlab: ${name}`)}" tests="${sum((s) => s.tests)}" ` +
        `failures="${sum((s) => s.failures)}" errors="${sum((s) => s.errors)}" skipped="${sum((s) => s.skipped)}" ` +
        `time="${seconds(sum((s) => s.seconds))}">\n`,
    );
    const chunk = Buffer.alloc(1 << 20);
    for (const [id, s] of suites.entries()) {
      write(
        `  <testsuite name="${xmlAttr(s.name)}" id="${id}" tests="${s.tests}" failures="${s.failures}" errors="${s.errors}" ` +
          `skipped="${s.skipped}" time="${seconds(s.seconds)}" timestamp="${timestamp}">\n`,
      );
      // A subset's verdicts are of its cells only: CI dashboards show properties beside the suite.
      if (subset) write(`    <properties>\n      <property name="llmlab.subset" value="${xmlAttr(subset.line)}"/>\n    </properties>\n`);
      const part = openSync(s.file, 'r');
      try {
        for (let n = readSync(part, chunk); n > 0; n = readSync(part, chunk)) write(chunk.subarray(0, n));
      } finally {
        closeSync(part);
      }
      write('  </testsuite>\n');
    }
    write('</testsuites>\n');
  });
}

function seconds(s: number): string {
  return s.toFixed(3);
}
