/** Which files read as promptfoo configs: by name, by a key or shape only promptfoo has, never when llmlab's own keys are there. */
import { describe, expect, it } from 'vitest';
import { detectPromptfoo } from '../../../src/dialects/promptfoo/detect.js';

describe('detectPromptfoo', () => {
  it.each([
    ['promptfooconfig.yaml', {}, 'its file name'],
    ['evals/promptfooconfig.gemini.yml', {}, 'its file name'],
    ['promptfooconfig-x.json', {}, 'its file name'],
    ['suite.yaml', { targets: ['echo'] }, 'its `targets` key'],
    ['suite.yaml', { evaluateOptions: {} }, 'its `evaluateOptions` key'],
    ['suite.yaml', { defaultTest: { options: {} } }, 'its `defaultTest.options` key'],
    ['suite.yaml', { prompts: [{ raw: 'hi', label: 'x' }] }, 'a prompt written as `{ raw, label }`'],
    ['suite.yaml', { tests: [{ vars: { doc: 'file://a.txt' } }] }, 'its `file://` references'],
    ['suite.yaml', { $schema: 'https://promptfoo.dev/config-schema.json', gates: {} }, 'its promptfoo `$schema`'],
  ])('%s %j reads as promptfoo (%s)', (file, value, reason) => {
    expect(detectPromptfoo(file, value)).toBe(reason);
  });

  it.each([
    ['suite.yaml', { providers: ['echo'], prompts: ['hi'], tests: [] }],
    ['suite.yaml', { gates: {}, targets: ['echo'] }],
    ['suite.yaml', { repeat: 2, prompts: ['file://p.txt'] }],
    ['suite.yaml', null],
  ])('%s %j stays an llmlab suite', (file, value) => {
    expect(detectPromptfoo(file, value)).toBeUndefined();
  });
});
