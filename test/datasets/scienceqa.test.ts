/**
 * The ScienceQA-IMG adapter on a tiny fixture in the published layout (problems.json, pid_splits.json,
 * images/test/<pid>/image.png), written here: which problems become tests, the reference's CQM-A prompt, and the
 * reference's scoring (`The answer is X.` found exactly once, equal to the gold letter).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import adapter from '../../src/datasets/scienceqa.js';
import { compileTransform } from '../../src/metrics/transform.js';
import { LlmlabError } from '../../src/errors.js';
import type { TransformStep } from '../../src/types.js';

/** A valid 1×1 RGB PNG of one colour (signature, IHDR, IDAT, IEND with their CRCs). */
function tinyPng(rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const idat = deflateSync(Buffer.from([0, ...rgb]));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

const problem = (over: Record<string, unknown>) => ({
  question: 'Which color is shown?',
  choices: ['red', 'green', 'blue'],
  answer: 0,
  hint: '',
  image: 'image.png',
  task: 'closed choice',
  grade: 'grade2',
  subject: 'natural science',
  topic: 'colors',
  category: 'Colors',
  lecture: '',
  solution: '',
  split: 'test',
  ...over,
});

let dir: string;
let problemsFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-sqa-'));
  const problems = {
    '11': problem({ answer: 0 }),
    '12': problem({ question: 'Which  word fits?', choices: ['tall', 'short'], answer: 1, hint: 'Look at the picture.', grade: 'grade8', subject: 'language science' }),
    '13': problem({ answer: 2, choices: ['red', 'green', 'blue', 'pink', 'gray'], grade: 'grade5' }),
    '14': problem({ image: null, hint: 'No image here.' }), // text only: not in ScienceQA-IMG
    '20': problem({}), // train split: not run
  };
  problemsFile = join(dir, 'problems.json');
  writeFileSync(problemsFile, JSON.stringify(problems));
  writeFileSync(join(dir, 'pid_splits.json'), JSON.stringify({ train: ['20'], val: [], test: ['11', '12', '13', '14'] }));
  const colours: Array<[number, number, number]> = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
  ['11', '12', '13'].forEach((pid, i) => {
    mkdirSync(join(dir, 'images', 'test', pid), { recursive: true });
    writeFileSync(join(dir, 'images', 'test', pid, 'image.png'), tinyPng(colours[i]!));
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = () => adapter.load({ files: [problemsFile], protocol: 'generate' });

/** Grades `output` as the test's assertions do: each transform, then `equals`. */
function grade(assertion: Record<string, unknown>, output: string): boolean {
  const outcome = compileTransform(assertion['transform'] as TransformStep[])(output);
  return outcome.ok && outcome.text === assertion['value'];
}

describe('scienceqa', () => {
  it('makes a test of each test-split problem that has an image, in pid_splits order', async () => {
    const tests = await load();
    expect(tests.map((t) => t.test.id)).toEqual(['11', '12', '13']);
    expect(tests[0]!.test.vars['image']).toBe('file:images/test/11/image.png'); // relative to problems.json
    expect(tests[0]!.where).toEqual({ file: problemsFile });
  });

  it("writes the reference's zero-shot CQM-A prompt (context N/A when there is no hint; double spaces collapsed)", async () => {
    const [first, second] = await load();
    expect(first!.test.vars['query']).toBe('Context: N/A\nQuestion: Which color is shown?\nOptions: (A) red (B) green (C) blue\nAnswer:');
    expect(second!.test.vars['query']).toBe('Context: Look at the picture.\nQuestion: Which word fits?\nOptions: (A) tall (B) short\nAnswer:');
    expect(second!.test.vars['choices_text']).toBe('(A) tall (B) short');
    expect(second!.test.metadata).toMatchObject({ subject: 'language science', grade: 'grade8' });
  });

  it('reports acc overall, by subject and by grade band, as evaluate_acc.py groups them', async () => {
    const tests = await load();
    expect(tests.map((t) => t.test.assert.map((a) => a['metric']))).toEqual([
      ['acc', 'acc[subject=natural_science]', 'acc[grade=1-6]'],
      ['acc', 'acc[subject=language_science]', 'acc[grade=7-12]'],
      ['acc', 'acc[subject=natural_science]', 'acc[grade=1-6]'],
    ]);
    expect(tests.map((t) => t.test.assert[0]!['value'])).toEqual(['A', 'B', 'C']);
  });

  it('scores as run_gpt3.py: exactly one "The answer is X." naming the gold letter', async () => {
    const acc = (await load())[2]!.test.assert[0]!; // gold C
    expect(grade(acc, 'The answer is C.')).toBe(true);
    expect(grade(acc, 'Blue is a primary colour. The answer is C. BECAUSE: it is blue')).toBe(true);
    expect(grade(acc, 'The answer is C')).toBe(false); // the pattern needs one more character after the letter
    expect(grade(acc, 'The answer is C\nmore')).toBe(false); // Python's `.` is not a newline
    expect(grade(acc, 'The answer is A. No, the answer is C.')).toBe(false); // two matches: FAILED
    expect(grade(acc, 'The answer is CA')).toBe(true);
    expect(grade(acc, 'the answer is C.')).toBe(false); // case-sensitive, as the reference
    expect(grade(acc, 'C')).toBe(false); // no pattern: FAILED (the reference would guess at random)
    expect(grade(acc, 'The answer is B.')).toBe(false);
  });

  it('refuses few-shot, a missing image and a malformed problem, naming the problem', async () => {
    await expect(adapter.load({ files: [problemsFile], protocol: 'generate', fewshot: { k: 1, files: [problemsFile], seed: 1 } })).rejects.toThrow(/zero-shot/);
    const other = mkdtempSync(join(tmpdir(), 'llmlab-sqa-bad-'));
    try {
      writeFileSync(join(other, 'problems.json'), JSON.stringify({ '1': problem({}), '2': problem({ answer: 7 }) }));
      writeFileSync(join(other, 'pid_splits.json'), JSON.stringify({ test: ['1'] }));
      const missing = await adapter.load({ files: [join(other, 'problems.json')], protocol: 'generate' }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(LlmlabError);
      expect((missing as LlmlabError).message).toMatch(/problem 1 has an image, but .*images\/test\/1\/image\.png does not exist/);
      writeFileSync(join(other, 'pid_splits.json'), JSON.stringify({ test: ['2'] }));
      await expect(adapter.load({ files: [join(other, 'problems.json')], protocol: 'generate' })).rejects.toThrow(/problem 2 is not a ScienceQA problem/);
      rmSync(join(other, 'pid_splits.json'));
      await expect(adapter.load({ files: [join(other, 'problems.json')], protocol: 'generate' })).rejects.toThrow(/pid_splits\.json not found/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
