/** `finetunes:` recipes and `finetune:<id>` providers: resolution, sweep points, hashes, forgetting, and mistakes at their line. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { createPlan } from '../../src/engine/plan.js';
import { loadErrors, loadOk, project } from './helpers.js';

const TRAIN = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n';
const TESTS = 'prompts: ["{{ q }}"]\ntests:\n  - { vars: { q: one }, assert: [{ type: contains, value: o }] }\n';

function suite(recipe: string, providers = '  - openai:gpt-4o-mini-2024-07-18\n  - finetune:support\n'): string {
  return `providers:\n${providers}finetunes:\n  - id: support\n    base: openai:gpt-4o-mini-2024-07-18\n    data: { train: file:train.jsonl }\n${recipe}${TESTS}`;
}

describe('finetunes', () => {
  it('resolves a tuned provider per sweep point, with the base type and config and a content hash', async () => {
    const { suite: s } = await loadOk({ 'train.jsonl': TRAIN, 'suite.yaml': suite('    sweep: { epochs: [2, 3] }\n    hyperparameters: { batchSize: auto }\n') });
    expect(s.providers.map((p) => p.label)).toEqual(['openai:gpt-4o-mini-2024-07-18', 'finetune:support[epochs=2]', 'finetune:support[epochs=3]']);
    const [, two, three] = s.providers;
    expect(two!.type).toBe('openai');
    expect(two!.finetune?.recipe).toBe('support');
    expect(two!.finetune?.hash).not.toBe(three!.finetune?.hash);
    expect(s.finetunes![0]!.points.map((p) => p.hyperparameters)).toEqual([{ batchSize: 'auto', epochs: 2 }, { batchSize: 'auto', epochs: 3 }]);
    const plan = createPlan(s);
    expect(plan.totalCells).toBe(3);
    expect(plan.stages.map((st) => st.id)).toEqual(['validate:support', 'train:finetune:support[epochs=2]', 'train:finetune:support[epochs=3]']);
  });

  it('hashes the data bytes: editing the training file makes a new point, and a new suite hash', async () => {
    const { suite: before, dir } = await loadOk({ 'train.jsonl': TRAIN, 'suite.yaml': suite('') });
    writeFileSync(join(dir, 'train.jsonl'), TRAIN.replace('hello', 'hello there'));
    const after = await loadSuite(join(dir, 'suite.yaml'), project);
    expect(after.providers[1]!.finetune!.hash).not.toBe(before.providers[1]!.finetune!.hash);
    expect(after.hash).not.toBe(before.hash);
  });

  it('runs a forgetting suite on the base and the tuned model only, under its own prompt ids', async () => {
    const { suite: s } = await loadOk({
      'train.jsonl': TRAIN,
      'gsm.yaml': 'providers: [echo]\nprompts: ["{{ a }} + {{ b }}"]\ntests:\n  - { vars: { a: 1, b: 2 }, assert: [{ type: contains, value: "3" }] }\n',
      'suite.yaml': suite('    forgetting: [file:gsm.yaml]\n', '  - openai:gpt-4o-mini-2024-07-18\n  - finetune:support\n  - echo\n'),
    });
    expect(s.forgetting).toHaveLength(1);
    expect(s.forgetting![0]!.prompts.map((p) => p.id)).toEqual(['forgetting:gsm/prompt-1']);
    expect(s.forgetting![0]!.providers).toEqual(['openai:gpt-4o-mini-2024-07-18', 'finetune:support']);
    const plan = createPlan(s);
    expect(plan.totalCells).toBe(3 + 2);
    expect([...plan.cellsFor(s.providers[2]!)]).toHaveLength(1);
  });

  it('says at their line what is wrong', async () => {
    expect(await loadErrors({ 'train.jsonl': TRAIN, 'suite.yaml': suite('', '  - openai:gpt-4o-mini-2024-07-18\n  - finetune:suport\n') })).toEqual([
      expect.objectContaining({ at: 'suite.yaml:3:5', message: '`finetune:suport` names no fine-tune recipe', hint: 'did you mean `support`?' }),
      expect.objectContaining({ at: 'suite.yaml:5:9', message: 'fine-tune `support` is trained but never evaluated' }),
    ]);
    const base = await loadErrors({ 'train.jsonl': TRAIN, 'suite.yaml': suite('').replace('base: openai:gpt-4o-mini-2024-07-18', 'base: openai:gpt-4o') });
    expect(base[0]).toMatchObject({ at: 'suite.yaml:6:11', message: 'fine-tune `support`: base `openai:gpt-4o` is not one of the suite\'s providers' });
    const hyper = await loadErrors({ 'train.jsonl': TRAIN, 'suite.yaml': suite('    hyperparameters: { epoch: 3, batchSize: 2.5 }\n') });
    expect(hyper.map((e) => e.message)).toEqual([
      'fine-tune `support`: OpenAI has no hyperparameter `epoch`',
      'fine-tune `support`: `batchSize` must be a whole number, got 2.5',
    ]);
    expect(hyper[0]!.hint).toBe('did you mean `epochs`?');
    const missing = await loadErrors({ 'suite.yaml': suite('') });
    expect(missing[0]).toMatchObject({ code: 'FILE_NOT_FOUND', at: 'suite.yaml:7:20' });
    const backend = await loadErrors({ 'train.jsonl': TRAIN, 'suite.yaml': suite('', '  - ollama:llama3.2\n  - finetune:support\n').replace('base: openai:gpt-4o-mini-2024-07-18', 'base: ollama:llama3.2') });
    expect(backend[0]!.message).toMatch(/the openai backend trains OpenAI models, and `ollama:llama3.2` is a ollama provider/);
  });
});
