import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { validateData } from '../../src/finetune/validate-data.js';
import { thrownAsyncLlmlabError } from '../thrown.js';
import { chat, distinctChats, optionsFor, words } from './data-fixtures.js';

/** `file:line rule` of each problem, for compact assertions. */
const where = (problems: ReadonlyArray<{ file: string; line: number; rule: string }>) => problems.map((p) => `${p.file}:${p.line} ${p.rule}`);

describe('validateData: line rules', () => {
  it('reports each broken rule at file:line, with a stable rule id', async () => {
    const lines = [
      ...distinctChats(10),
      '{"messages": [', // 11
      '[1, 2]', // 12
      JSON.stringify({ messages: [{ role: 'user', content: 'hi there' }, { role: 'robot', content: 'beep' }] }), // 13
      JSON.stringify({ messages: [{ role: 'user', content: 'question one' }, { role: 'system', content: 'late' }, { role: 'assistant', content: 'ok' }] }), // 14
      JSON.stringify({ messages: [{ role: 'user', content: 'question two' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'and?' }] }), // 15
      JSON.stringify({ messages: [{ role: 'user', content: 'question three' }, { role: 'assistant', content: '  ' }] }), // 16
      JSON.stringify({ messages: [{ role: 'user', content: 'q four', weight: 1 }, { role: 'assistant', content: 'ok four', weight: 0.5 }] }), // 17
      JSON.stringify({ messages: [{ role: 'assistant', content: 'no user here' }] }), // 18
      JSON.stringify({ messages: 'hello' }), // 19
      JSON.stringify({ messages: [{ role: 'user', content: 'q five' }, { role: 'tool', content: '42' }, { role: 'assistant', content: 'five' }] }), // 20
    ];
    const report = await validateData(await optionsFor(lines));
    expect(where(report.errors)).toEqual([
      'train.jsonl:11 json',
      'train.jsonl:12 json',
      'train.jsonl:13 roles',
      'train.jsonl:14 order',
      'train.jsonl:15 order',
      'train.jsonl:16 empty-assistant',
      'train.jsonl:17 weight',
      'train.jsonl:17 weight',
      'train.jsonl:18 order',
      'train.jsonl:19 shape',
      'train.jsonl:20 order',
    ]);
    expect(report.errors[0]!.message).toMatch(/^not a JSON object: .*JSON/);
    expect(report.errors[1]!.message).toBe('not a JSON object: expected a JSON object, found an array');
    expect(report.errors[2]!.message).toContain('messages[1] has role "robot"');
    expect(report.errors[4]!.message).toBe("messages ends with a user message; the last message must be the assistant's");
    expect(report.counts.train).toBe(20);
  });

  it('accepts tool calls, content parts, names, weights and consecutive user turns', async () => {
    const toolCall = [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }];
    const lines = [
      ...distinctChats(10),
      JSON.stringify({
        messages: [
          { role: 'developer', content: 'be brief' },
          { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
          { role: 'user', content: 'this up', name: 'ann' },
          { role: 'assistant', tool_calls: toolCall, weight: 0 },
          { role: 'tool', tool_call_id: 'c1', content: 'found' },
          { role: 'assistant', content: 'done', weight: 1 },
        ],
        tools: [{ type: 'function', function: { name: 'lookup' } }],
      }),
    ];
    const report = await validateData(await optionsFor(lines));
    expect(report.errors).toEqual([]);
  });

  it('skips a blank line with a warning', async () => {
    const lines = distinctChats(10);
    lines.splice(3, 0, '   ');
    const report = await validateData(await optionsFor(lines));
    expect(report.errors).toEqual([]);
    expect(where(report.warnings)).toEqual(['train.jsonl:4 blank-line']);
    expect(report.counts.train).toBe(10);
  });

  it('requires 10 training examples (line 0) but no minimum for validation', async () => {
    const report = await validateData(await optionsFor(distinctChats(9), { validation: distinctChats(2, 50) }));
    expect(report.errors).toEqual([{ file: 'train.jsonl', line: 0, rule: 'too-few', message: '9 training examples; at least 10 are required' }]);
    expect(report.counts.validation).toBe(2);
  });

  it('checks the validation file with the same rules, and its duplicates of training lines', async () => {
    const train = distinctChats(10);
    const report = await validateData(await optionsFor(train, { validation: [train[2]!, '{oops', chat('ask', '')] }));
    expect(where(report.errors)).toEqual(['val.jsonl:2 json', 'val.jsonl:3 empty-assistant']);
    expect(report.warnings).toContainEqual({
      file: 'val.jsonl', line: 1, rule: 'duplicate', message: 'repeats train.jsonl:3 (the same words, ignoring case, spacing and punctuation)',
    });
  });

  it('lists the first 50 problems of a rule and sums up the rest', async () => {
    const report = await validateData(await optionsFor([...distinctChats(10), ...Array.from({ length: 60 }, () => 'nope')]));
    expect(report.errors).toHaveLength(51);
    expect(report.errors[50]).toEqual({ file: 'train.jsonl', line: 0, rule: 'json', message: '10 more lines break the rule `json` (only the first 50 are listed)' });
  });
});

describe('validateData: preference pairs (dpo)', () => {
  const pair = (i: number, preferred: unknown, rejected: unknown) =>
    JSON.stringify({ input: { messages: [{ role: 'user', content: words(i, 10) }] }, preferred_output: preferred, non_preferred_output: rejected });
  const good = (i: number) => pair(i, [{ role: 'assistant', content: words(i + 500, 6) }], [{ role: 'assistant', content: words(i + 900, 6) }]);

  it('reports missing, empty and identical outputs and a bad input', async () => {
    const lines = [
      ...Array.from({ length: 10 }, (_, i) => good(i)),
      pair(20, undefined, [{ role: 'assistant', content: 'b' }]), // 11
      pair(21, [{ role: 'assistant', content: ' ' }], [{ role: 'assistant', content: 'b' }]), // 12
      pair(22, [{ role: 'assistant', content: 'Same answer' }], [{ role: 'assistant', content: 'Same answer ' }]), // 13
      JSON.stringify({ preferred_output: [], non_preferred_output: [] }), // 14
      pair(23, [{ role: 'user', content: 'a' }], [{ role: 'assistant', content: 'b' }]), // 15
    ];
    const report = await validateData(await optionsFor(lines, { method: 'dpo' }));
    expect(where(report.errors)).toEqual([
      'train.jsonl:11 preferred',
      'train.jsonl:12 preferred',
      'train.jsonl:13 identical',
      'train.jsonl:14 shape',
      'train.jsonl:15 preferred',
    ]);
    expect(report.counts.train).toBe(15);
  });

  it('counts the input and both outputs as billed tokens', async () => {
    const report = await validateData(await optionsFor(Array.from({ length: 10 }, (_, i) => good(i)), { method: 'dpo' }));
    expect(report.errors).toEqual([]);
    // Input: 3 + (3 + 1 role + 10) ; each output: 3 + 1 role + 6.
    expect(report.counts.trainTokens).toBe(10 * (17 + 10 + 10));
    expect(report.counts.maxExampleTokens).toBe(17 + 10);
  });
});

describe('validateData: tokens and context', () => {
  it('sums tokens per file, caps billed tokens at the context window and errors over it', async () => {
    const lines = [...distinctChats(10), chat(words(70, 120), 'ok')];
    const report = await validateData(await optionsFor(lines, { contextWindow: 100, validation: distinctChats(1, 80) }));
    // A distinct chat: 3 + (3 + 1 + 12) + (3 + 1 + 8) = 31 words-as-tokens.
    expect(report.counts.trainTokens).toBe(10 * 31 + 100);
    expect(report.counts.validationTokens).toBe(31);
    expect(report.counts.maxExampleTokens).toBe(3 + (3 + 1 + 120) + (3 + 1 + 1));
    expect(report.counts.overContext).toBe(1);
    expect(report.errors).toEqual([{ file: 'train.jsonl', line: 11, rule: 'context', message: "132 tokens, over the base model's context window of 100" }]);
  });

  it('counts with the real tokenizer as the cookbook does', async () => {
    const countTokens = (text: string) => encode(text).length;
    const line = chat('How many tokens is this?', 'Seven or so.', 'You count.');
    const report = await validateData(await optionsFor(Array.from({ length: 10 }, () => line), { countTokens }));
    const perMessage = (role: string, content: string) => 3 + encode(role).length + encode(content).length;
    const expected = 3 + perMessage('system', 'You count.') + perMessage('user', 'How many tokens is this?') + perMessage('assistant', 'Seven or so.');
    expect(report.counts.maxExampleTokens).toBe(expected);
    expect(report.counts.trainTokens).toBe(10 * expected);
    expect(report.counts.exactDuplicates).toBe(9);
  });
});

describe('validateData: data-wide checks', () => {
  it('finds exact and near duplicates at the later line, naming the earlier one, ignoring the system prompt', async () => {
    const base = words(300, 40);
    const near = base.split(' ').map((w, i) => (i === 0 ? 'different' : w)).join(' ');
    const lines = [...distinctChats(10), chat(base, 'yes', 'sys A'), chat(base.toUpperCase(), 'Yes!', 'sys B'), chat(near, 'yes', 'sys A')];
    const report = await validateData(await optionsFor(lines));
    expect(report.errors).toEqual([]);
    expect(where(report.warnings)).toEqual(['train.jsonl:12 duplicate', 'train.jsonl:13 near-duplicate']);
    expect(report.warnings[1]!.message).toMatch(/^nearly repeats train\.jsonl:11 \(Jaccard similarity 0\.9\d of word 5-grams, threshold 0\.8\)$/);
    expect(report.counts).toMatchObject({ exactDuplicates: 1, nearDuplicates: 1 });
  });

  it('warns of secrets and personal data by kind, never quoting them', async () => {
    const key = 'sk-proj-abcdefghijklmnopqrstuvwxyz012345';
    const lines = [...distinctChats(10), chat(`my key is ${key}`, 'mail jane.doe@example.com or call +1 415-555-0123')];
    const report = await validateData(await optionsFor(lines));
    expect(report.warnings).toEqual([
      { file: 'train.jsonl', line: 11, rule: 'secret', message: 'an OpenAI API key in message 1 (user)' },
      { file: 'train.jsonl', line: 11, rule: 'pii', message: 'an e-mail address in message 2 (assistant)' },
      { file: 'train.jsonl', line: 11, rule: 'pii', message: 'a phone number in message 2 (assistant)' },
    ]);
    expect(JSON.stringify(report)).not.toContain(key);
    expect(JSON.stringify(report)).not.toContain('jane.doe');
    expect(report.counts.secrets).toBe(3);
  });

  it('fails on train/eval leakage by default, warns or skips as asked', async () => {
    const evalText = words(400, 20);
    const lines = [...distinctChats(10), chat(`Please answer: ${evalText}`, 'sure')];
    const evalInputs = [{ testId: 'eval-7', text: evalText }, { testId: 'clean', text: words(401, 20) }];
    const leak = { file: 'train.jsonl', line: 11, rule: 'leakage', message: 'eval test "eval-7" overlaps this training example (a shared 13-word sequence, or all of a shorter input)' };

    const failing = await validateData(await optionsFor(lines, { evalInputs }));
    expect(failing.errors).toEqual([leak]);
    expect(failing.counts.leakedTests).toBe(1);
    const warned = await validateData(await optionsFor(lines, { evalInputs, leakage: 'warn' }));
    expect(warned.errors).toEqual([]);
    expect(warned.warnings).toEqual([leak]);
    const off = await validateData(await optionsFor(lines, { evalInputs, leakage: 'off' }));
    expect([...off.errors, ...off.warnings]).toEqual([]);
    expect(off.counts.leakedTests).toBe(0);
  });

  it('does not count an assistant answer as leakage (only system and user text)', async () => {
    const evalText = words(410, 20);
    const report = await validateData(await optionsFor([...distinctChats(10), chat('question', evalText)], { evalInputs: [{ testId: 't', text: evalText }] }));
    expect(report.counts.leakedTests).toBe(0);
  });

  it('fills labels and warns of imbalance when the answers are labels', async () => {
    const lines = Array.from({ length: 23 }, (_, i) => chat(words(500 + i, 10), i < 22 ? 'positive' : 'negative'));
    const report = await validateData(await optionsFor(lines));
    expect(report.labels).toEqual({ positive: 22, negative: 1 });
    expect(report.warnings).toEqual([
      { file: 'train.jsonl', line: 0, rule: 'imbalance', message: 'label "positive" has 22 examples, "negative" only 1 (over 10× apart)' },
    ]);
    const balanced = await validateData(await optionsFor(lines.map((line, i) => (i % 2 ? line.replace('positive', 'negative') : line))));
    expect(balanced.labels).toEqual({ positive: 11, negative: 12 });
    expect(balanced.warnings).toEqual([]);
    expect((await validateData(await optionsFor(distinctChats(10)))).labels).toBeUndefined();
  });

  it('warns when a few examples lack the system message the rest have', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => chat(words(600 + i, 10), words(700 + i, 5), i === 7 ? undefined : 'You are terse.'));
    const report = await validateData(await optionsFor(lines));
    expect(where(report.warnings)).toEqual(['train.jsonl:0 format-mix']);
    expect(report.warnings[0]!.message).toBe('19 examples with a system message and 1 without: the tuned model learns both formats');
  });

  it('handles 5,000 examples with duplicates and leakage checks on (not timed: a runaway would hit the test timeout)', async () => {
    const lines = distinctChats(5000);
    lines.push(lines[1234]!);
    const evalInputs = Array.from({ length: 200 }, (_, i) => ({ testId: `t${i}`, text: words(900_000 + i, 20) }));
    const report = await validateData(await optionsFor(lines, { evalInputs }));
    expect(report.errors).toEqual([]);
    expect(where(report.warnings)).toEqual(['train.jsonl:5001 duplicate']);
    expect(report.counts.train).toBe(5001);
  });
});

describe('validateData: files', () => {
  it('reads CRLF line ends and a byte-order mark', async () => {
    const options = await optionsFor([]);
    await writeFile(options.files.train, '\uFEFF' + distinctChats(10).join('\r\n') + '\r\n');
    const report = await validateData(options);
    expect([...report.errors, ...report.warnings]).toEqual([]);
    expect(report.counts.train).toBe(10);
  });

  it('rejects a missing file as the user’s mistake, naming it as the suite does', async () => {
    const options = await optionsFor(distinctChats(10));
    const error = await thrownAsyncLlmlabError(() => validateData({ ...options, files: { ...options.files, validation: `${options.files.train}.missing` } }));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toBe('validation data not found: train.jsonl.missing');
    expect(error.hint).toContain('data.validation');
  });
});
