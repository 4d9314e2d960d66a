import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvField, writeCsvReport } from '../../../src/report/writers/csv.js';
import type { Store } from '../../../src/store/index.js';
import type { CellResult } from '../../../src/types.js';
import { fixedCells, storeFixedRun } from '../fixed-runs.js';
import { tempStore, verdictCell } from '../helpers.js';

let t: ReturnType<typeof tempStore>;
let store: Store;
beforeEach(() => {
  t = tempStore();
  store = t.store;
});
afterEach(() => t.dispose());

/** An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
    } else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else if (c === '\n' || c === '\r') throw new Error(`bare line break outside quotes at ${i}`);
    else field += c;
  }
  if (quoted || field !== '' || row.length > 0) throw new Error('the last record does not end with CRLF');
  return rows;
}

function csv(cells: CellResult[], repeat = 1): Array<Record<string, string>> {
  const run = storeFixedRun(store, cells, 1, repeat);
  const path = join(t.dir, 'report.csv');
  writeCsvReport(path, store, run);
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  expect(rows.every((r) => r.length === header!.length)).toBe(true);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

describe('CSV report', () => {
  it('writes one row per cell with the fixed columns, then a var.<name> column per var used anywhere', () => {
    // In the store's order: test, then prompt id, then provider.
    const rows = csv(fixedCells());
    expect(rows).toHaveLength(12);
    expect(Object.keys(rows[0]!)).toEqual([
      'provider', 'prompt', 'test_id', 'description', 'repeat', 'status', 'score', 'latency_ms', 'tokens_in',
      'tokens_out', 'cost_usd', 'cached', 'output', 'error', 'var.country', 'var.strict', 'var.note',
    ]);
    expect(rows[0]).toEqual({
      provider: 'careful-bot', prompt: 'bullet', test_id: 'capital-fr', description: 'capital of France', repeat: '1',
      status: 'pass', score: '1', latency_ms: '100', tokens_in: '12', tokens_out: '7', cost_usd: '0.0015', cached: 'true',
      output: 'careful-bot says: France <b>|</b>\n`done`', error: '', 'var.country': 'France', 'var.strict': '', 'var.note': '',
    });
    const errored = rows.find((r) => r.status === 'error')!;
    expect(errored).toMatchObject({ tokens_in: '', tokens_out: '', output: '', error: 'HTTP 503: upstream unavailable' });
    // Non-string vars are JSON; a var with commas, quotes and a line break survives quoting.
    expect(rows.find((r) => r.test_id === 'capital-jp')!['var.strict']).toBe('true');
    expect(rows.find((r) => r.test_id === 'tricky')!['var.note']).toBe('a, "quoted"\nline');
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and round-trips them', () => {
    const output = 'one, two\r\n"three"\nfour\rfive ""six""';
    const rows = csv([{ ...verdictCell('p', 'bot', 0, 'pass'), output, description: 'a "b", c' }]);
    expect(rows[0]!.output).toBe(output);
    expect(rows[0]!.description).toBe('a "b", c');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
  });

  it('guards against formula injection: text starting with = + - @ tab or CR gets a leading apostrophe', () => {
    const attacks = ['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
    const rows = csv(
      attacks.map((a, i) => ({ ...verdictCell('p', 'bot', i, 'fail'), output: a, description: a, vars: { q: a }, error: a })),
    );
    for (const [i, attack] of attacks.entries()) {
      expect(rows[i]).toMatchObject({ output: `'${attack}`, description: `'${attack}`, 'var.q': `'${attack}`, error: `'${attack}` });
    }
    // Numbers are numbers, never prefixed; a safe text is untouched.
    expect(csvField('safe = text')).toBe('safe = text');
    const scored = csv([{ ...verdictCell('p', 'bot', 0, 'pass'), score: 0.25, cost: 0.5 }])[0]!;
    expect([scored.score, scored.cost_usd]).toEqual(['0.25', '0.5']);
  });

  it('numbers repeats from 1', () => {
    const rows = csv([verdictCell('p', 'bot', 0, 'pass', 0), verdictCell('p', 'bot', 0, 'fail', 1)], 2);
    expect(rows.map((r) => r.repeat)).toEqual(['1', '2']);
  });

  it('writes only the header for a run without cells', () => {
    const run = storeFixedRun(store, [], 1);
    writeCsvReport(join(t.dir, 'empty.csv'), store, run);
    expect(readFileSync(join(t.dir, 'empty.csv'), 'utf8')).toBe(
      'provider,prompt,test_id,description,repeat,status,score,latency_ms,tokens_in,tokens_out,cost_usd,cached,output,error\r\n',
    );
  });
});
