/**
 * Every way a suite can be wrong, with the exact message, position and hint a user sees. Each case is a real
 * suite written to a temp directory and loaded through `loadSuite`.
 */
import { describe, expect, it } from 'vitest';
import { HEAD, loadErrors } from './helpers.js';
import type { Seen } from './helpers.js';

interface Case {
  name: string;
  files: Record<string, string>;
  expected: Seen[];
}

const suite = (text: string): Record<string, string> => ({ 'suite.yaml': text });

const TPM_HINT =
  'Most tokens (input + output) sent to this provider in any minute. Each call first reserves its estimate — input tokens plus `maxTokens` (unset: 256, anthropic 1024) — and is then charged the usage its answer reports. A call estimated above `tpm` waits until nothing was sent for a minute, then goes alone.';

const cases: Case[] = [
  {
    name: 'YAML syntax error',
    files: suite('providers: [echo]\nprompts: ["x"]\ntests:\n  - vars: {a: 1}\n  repeat: 3\n'),
    expected: [
      {
        code: 'CONFIG_YAML',
        at: 'suite.yaml:5:1',
        message: 'YAML syntax error: All mapping items must start at the same column',
        hint: 'check the indentation: items of one list or mapping must line up',
      },
    ],
  },
  {
    name: 'duplicate key',
    files: suite(`${HEAD}tests: [{vars: {q: 1}}]\nrepeat: 1\nrepeat: 2\n`),
    expected: [
      {
        code: 'CONFIG_YAML',
        at: 'suite.yaml:5:1',
        message: 'YAML syntax error: Map keys must be unique',
        hint: 'a key may appear only once in a mapping: remove or rename one of them',
      },
    ],
  },
  {
    name: 'empty file',
    files: suite('# nothing yet\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:1:1',
        message: 'the suite file is empty',
        hint: 'a suite needs `providers`, `prompts` and `tests`; see suites/quickstart.yaml',
      },
    ],
  },
  {
    name: 'not a mapping',
    files: suite('- echo\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:1:1',
        message: 'the suite file must be an object, got a list',
        hint: 'An llmlab evaluation suite: every prompt is run against every provider for every test (times `repeat`), and each output is graded by the test\'s assertions.',
      },
    ],
  },
  {
    name: 'unknown key with did-you-mean, at the key',
    files: suite(`${HEAD}tests:\n  - vars: { q: 1 }\n    asert: []\n`),
    expected: [
      { code: 'CONFIG_INVALID', at: 'suite.yaml:5:5', message: 'unknown key `asert` in tests[0]', hint: 'did you mean `assert`?' },
    ],
  },
  {
    name: 'unknown top-level key without a close match',
    files: suite(`${HEAD}tests: [{}]\nwhatever: 1\n`),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:4:1',
        message: 'unknown key `whatever` at the top level',
        hint: 'allowed keys: `$schema`, `description`, `providers`, `prompts`, `tests`, `defaultTest`, `grader`, `embedder`, `graderRepeat`, `prices`, `media`, `budget`, `repeat`, `derivedMetrics`, `dataset`, `allowCodeExecution`, `trustDatasetCode`, `finetunes`, `gates`, `target`, `attacks`, `attacker`, `severityThreshold`',
      },
    ],
  },
  {
    name: 'wrong type, one sentence for type and minimum',
    files: suite(`${HEAD}tests: [{}]\nrepeat: three\n`),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:4:9',
        message: '`repeat` must be an integer between 1 and 1000, got "three"',
        hint: 'How many times to run every cell; repeats measure consistency (agreement, pass@k). Default 1.',
      },
    ],
  },
  {
    name: 'out of range',
    files: suite(`${HEAD}tests: [{}]\nrepeat: 0\ngates: { minPassRate: 1.5 }\n`),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:4:9',
        message: '`repeat` must be an integer between 1 and 1000, got 0',
        hint: 'How many times to run every cell; repeats measure consistency (agreement, pass@k). Default 1.',
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:5:23',
        message: '`gates.minPassRate` must be a number between 0 and 1, got 1.5',
        hint: 'Fraction of cells that must pass, 0..1. Without it every cell must pass.',
      },
    ],
  },
  {
    name: 'missing required keys, all reported at once',
    files: suite('description: x\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:1:1',
        message: 'providers is required',
        hint: 'Models to evaluate: a provider id such as `openai:gpt-4o-mini`, or an object with `id`, `label` and `config`.',
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:1:1',
        message: 'prompts is required',
        hint: 'Prompts to evaluate: a nunjucks template string, a `file:` reference, or an object with `template`, `messages` or `file`.',
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:1:1',
        message: 'tests is required',
        hint: 'Test cases: an inline list, or `file:<path or glob>` naming JSONL, JSON, YAML or CSV files relative to this suite (or `dataset:` for a benchmark, or `target` + `attacks` for security testing).',
      },
    ],
  },
  {
    name: 'a scalar where a list belongs',
    files: suite('providers: echo\nprompts: ["x"]\ntests: [{}]\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:1:12',
        message: '`providers` must be a non-empty list, got "echo"',
        hint: 'write a list: one `- item` per line, or `[a, b]` on one line',
      },
    ],
  },
  {
    name: 'provider union: object branch chosen',
    files: suite('providers:\n  - label: x\nprompts: ["x"]\ntests: [{}]\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:2:5',
        message: 'providers[0].id is required',
        hint: 'Provider id: `<type>:<model>`, e.g. `openai:gpt-4o-mini`, `exec:python bot.py`, `file:./my-provider.ts`.',
      },
    ],
  },
  {
    name: 'provider union: no branch fits',
    files: suite('providers: [42]\nprompts: ["x"]\ntests: [{}]\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:1:13',
        message: '`providers[0]` must be a non-empty string or an object with `id`, got 42',
        hint: 'A provider id such as `openai:gpt-4o-mini`, `anthropic:claude-3-5-haiku-latest`, `ollama:llama3.2` or `echo`, or an object with `id`, `label` and `config`.',
      },
    ],
  },
  {
    name: 'prompt union: typo in the key that picks the form',
    files: suite('providers: [echo]\nprompts:\n  - tempate: "x"\ntests: [{}]\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:3:5',
        message: '`prompts[0]` needs one of `template`, `messages` or `file`',
        hint: 'did you mean `template` instead of `tempate`?',
      },
    ],
  },
  {
    name: 'prompt union: two forms at once',
    files: suite('providers: [echo]\nprompts:\n  - { template: "x", file: y.txt }\ntests: [{}]\n'),
    expected: [
      { code: 'CONFIG_INVALID', at: 'suite.yaml:3:22', message: 'unknown key `file` in prompts[0]', hint: 'allowed keys: `id`, `template`, `tools`, `toolChoice`' },
    ],
  },
  {
    name: 'prompt messages: bad role',
    files: suite('providers: [echo]\nprompts:\n  - messages:\n      - { role: sytem, content: hi }\ntests: [{}]\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:4:17',
        message: '`prompts[0].messages[0].role` must be one of `system`, `user` or `assistant`, got "sytem"',
        hint: 'did you mean `system`?',
      },
    ],
  },
  {
    name: 'tests string without file:',
    files: suite(`${HEAD}tests: data/cases.jsonl\n`),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:3:8',
        message: '`tests` must be a `file:` reference such as `file:data/cases.jsonl`, got "data/cases.jsonl"',
        hint: 'Dataset files relative to the suite: `file:data/cases.jsonl`, `file:data/*.csv` (.jsonl, .json, .yaml, .yml, .csv).',
      },
    ],
  },
  {
    name: 'empty tests list',
    files: suite(`${HEAD}tests: []\n`),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:3:8',
        message: '`tests` must be a non-empty list of tests, got an empty list',
        hint: 'Inline test cases, each with `vars` and `assert`.',
      },
    ],
  },
  {
    name: 'assertion without type, negative weight',
    files: suite(`${HEAD}tests:\n  - assert:\n      - { value: x, weight: -1 }\n`),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:5:9',
        message: 'tests[0].assert[0].type is required',
        hint: 'The metric: equals, contains, icontains, contains-any, contains-all, starts-with, regex, is-json, javascript, …, or a user metric registered under `metrics` in llmlab.config.yaml; prefix `not-` to invert.',
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:5:29',
        message: '`tests[0].assert[0].weight` must be a number ≥ 0, got -1',
        hint: 'Weight of this assertion in the test\'s score. Default 1.',
      },
    ],
  },
  {
    name: 'engine keys in provider config are typed',
    files: suite('providers:\n  - id: echo\n    config: { concurrency: 0 }\nprompts: ["x"]\ntests: [{}]\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:3:28',
        message: '`providers[0].config.concurrency` must be an integer between 1 and 1024, got 0',
        hint: 'Most calls in flight to this provider at once (the global `-j` limit applies too).',
      },
    ],
  },
  {
    name: 'a tokens-per-minute limit must be a positive whole number, like the other limits',
    files: suite('providers:\n  - id: echo\n    config: { tpm: 0 }\n  - id: mock\n    config:\n      tpm: 1.5\n  - { id: "mock:b", config: { tpm: -100, rpm: 0 } }\nprompts: ["x"]\ntests: [{}]\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:3:20',
        message: '`providers[0].config.tpm` must be an integer ≥ 1, got 0',
        hint: TPM_HINT,
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:6:12',
        message: '`providers[1].config.tpm` must be an integer ≥ 1, got 1.5',
        hint: TPM_HINT,
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:7:36',
        message: '`providers[2].config.tpm` must be an integer ≥ 1, got -100',
        hint: TPM_HINT,
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:7:47',
        message: '`providers[2].config.rpm` must be a number > 0, got 0',
        hint: 'Most requests per minute sent to this provider.',
      },
    ],
  },
  {
    name: 'unknown provider type with did-you-mean',
    files: suite('providers:\n  - opnai:gpt-4o-mini\nprompts: ["x"]\ntests: [{}]\n'),
    expected: [
      { code: 'UNKNOWN_PROVIDER', at: 'suite.yaml:2:5', message: 'unknown provider type `opnai` in providers[0]', hint: 'did you mean `openai`?' },
    ],
  },
  {
    name: 'a bare model name as provider',
    files: suite('providers:\n  - id: gpt-4o\nprompts: ["x"]\ntests: [{}]\n'),
    expected: [
      {
        code: 'UNKNOWN_PROVIDER',
        at: 'suite.yaml:2:9',
        message: 'unknown provider type `gpt-4o` in providers[0].id',
        hint:
          'known provider types: `openai`, `openai-image`, `azure`, `anthropic`, `ollama`, `bedrock`, `google`, `vertex`, `http`, `exec`, `file`, `echo`, `mock`, `openrouter`, `groq`, `mistral`, `togetherai`, `deepseek`, `xai`, `perplexity`, `fireworks`, `cerebras`, `lmstudio`, `vllm`, `llamacpp`; a provider id is `<type>:<model>`, e.g. `openai:gpt-4o-mini`',
      },
    ],
  },
  {
    name: 'provider options validated by the plugin, naming provider and field',
    files: suite('providers:\n  - id: echo\n    config:\n      latencyMs: soon\n      temprature: 0\nprompts: ["x"]\ntests: [{}]\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:4:18',
        message: '`providers[0].config.latencyMs` must be an integer ≥ 0, got "soon" (provider `echo`)',
        hint: 'artificial delay before answering, in milliseconds',
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:5:7',
        message: 'unknown key `temprature` in providers[0].config (provider `echo`)',
        hint: 'allowed keys: `latencyMs`, `concurrency`, `rpm`, `tpm`, `timeoutMs`, `maxRetries`',
      },
    ],
  },
  {
    name: 'duplicate provider labels (an id used twice needs a label)',
    files: suite('providers:\n  - echo\n  - echo\n  - { id: mock, label: echo }\nprompts: ["x"]\ntests: [{}]\n'),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:3:5',
        message: 'duplicate provider label `echo` in providers[1] (also providers[0])',
        hint: 'labels name providers in reports, so they must differ: give one a `label:` (the other is on line 2)',
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:4:24',
        message: 'duplicate provider label `echo` in providers[2] (also providers[0])',
        hint: 'labels name providers in reports, so they must differ: give one a `label:` (the other is on line 2)',
      },
    ],
  },
  {
    name: 'unknown assertion type, not- forms suggested',
    files: suite(`${HEAD}tests:\n  - assert:\n      - { type: icontain, value: x }\n      - type: not-contians\n        value: y\n`),
    expected: [
      { code: 'UNKNOWN_METRIC', at: 'suite.yaml:5:17', message: 'unknown assertion type `icontain` in tests[0].assert[0]', hint: 'did you mean `icontains`?' },
      { code: 'UNKNOWN_METRIC', at: 'suite.yaml:6:15', message: 'unknown assertion type `not-contians` in tests[0].assert[1]', hint: 'did you mean `not-contains`?' },
    ],
  },
  {
    name: 'assertion value validated by the metric',
    files: suite(`${HEAD}tests:\n  - assert:\n      - { type: icontains, value: [a] }\n      - { type: javascript, value: "" }\n`),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:5:35',
        message: '`tests[0].assert[0].value` must be a non-empty string or a number, got a list (assertion `icontains`)',
        hint: 'Substring the output must contain, ignoring case. A number is matched as its decimal text.',
      },
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:6:36',
        message: '`tests[0].assert[1].value` must be a non-empty string, got "" (assertion `javascript`)',
        hint: 'Inline JavaScript (an expression such as `output.length < 200`, or a function body with `return`) over `output`, `context` and `vars`, or `file:path/to/module.js[:exportName]`. Returns a boolean, a score, or { pass, score?, reason? }.',
      },
    ],
  },
  {
    name: 'assertion missing the value its metric needs',
    files: suite(`${HEAD}tests:\n  - vars: { q: 1 }\n    assert:\n      - type: contains\n      - type: is-json\n`),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:6:9',
        message: 'assertion `contains` in tests[0].assert[0] needs a `value`',
        hint: 'e.g. { type: contains, value: "reset link" }',
      },
    ],
  },
  {
    name: 'defaultTest assertions are checked once, at their own position',
    files: suite(`${HEAD}tests: [{}, {}]\ndefaultTest:\n  assert: [{ type: nope }]\n`),
    expected: [
      {
        code: 'UNKNOWN_METRIC',
        at: 'suite.yaml:5:20',
        message: 'unknown assertion type `nope` in defaultTest.assert[0]',
        hint: expect.stringMatching(/^known types: `equals`, `contains`/) as unknown as string,
      },
    ],
  },
  {
    name: 'duplicate prompt ids',
    files: suite('providers: [echo]\nprompts:\n  - "a"\n  - { id: prompt-1, template: b }\n  - file:p.txt\n  - { id: p, template: c }\ntests: [{}]\n', ),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:4:11',
        message: 'duplicate prompt id `prompt-1` in prompts[1] (also prompts[0])',
        hint: 'prompt ids name prompts in reports, so they must differ: give one an `id` (the other is on line 3)',
      },
      {
        code: 'FILE_NOT_FOUND',
        at: 'suite.yaml:5:5',
        message: 'prompt file not found: <dir>/p.txt',
        hint: 'paths are relative to the file that names them',
      },
    ],
  },
  {
    name: 'missing prompt file in an object',
    files: suite('providers: [echo]\nprompts:\n  - file: prompts/missing.md\ntests: [{}]\n'),
    expected: [
      {
        code: 'FILE_NOT_FOUND',
        at: 'suite.yaml:3:11',
        message: 'prompt file not found: <dir>/prompts/missing.md',
        hint: 'paths are relative to the file that names them',
      },
    ],
  },
  {
    name: 'invalid messages in a .json prompt file point into that file',
    files: {
      'suite.yaml': 'providers: [echo]\nprompts: [file:chat.json]\ntests: [{}]\n',
      'chat.json': '[\n  { "role": "user", "content": "hi" },\n  { "role": "robot", "content": "x" }\n]\n',
    },
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'chat.json:3:13',
        message: '`[1].role` must be one of `system`, `user` or `assistant`, got "robot"',
        hint: 'allowed values: `system`, `user`, `assistant`',
      },
    ],
  },
  {
    name: 'duplicate user test ids',
    files: suite(`${HEAD}tests:\n  - id: reset\n  - id: reset\n`),
    expected: [
      {
        code: 'CONFIG_INVALID',
        at: 'suite.yaml:5:9',
        message: 'duplicate test id `reset` in tests[1]',
        hint: 'test ids identify tests across runs, so they must be unique; `reset` is also used on line 4',
      },
    ],
  },
  {
    name: 'dataset file missing',
    files: suite(`${HEAD}tests: file:data/cases.jsonl\n`),
    expected: [
      {
        code: 'FILE_NOT_FOUND',
        at: 'suite.yaml:3:8',
        message: 'dataset not found: <dir>/data/cases.jsonl',
        hint: 'paths are relative to the file that names them',
      },
    ],
  },
  {
    name: 'dataset glob matching nothing',
    files: suite(`${HEAD}tests: file:data/*.csv\n`),
    expected: [
      {
        code: 'FILE_NOT_FOUND',
        at: 'suite.yaml:3:8',
        message: 'no files match `data/*.csv` (looked in <dir>/data/*.csv)',
        hint: 'the pattern is relative to the suite file',
      },
    ],
  },
];

describe('suite errors', () => {
  it.each(cases)('$name', async ({ files, expected }) => {
    expect(await loadErrors(files)).toEqual(expected);
  });

  it('throws LlmlabErrors whose format() lists each problem with file:line:col and hint', async () => {
    const { loadSuite } = await import('../../src/config/load-suite.js');
    const { tempDir, project } = await import('./helpers.js');
    const dir = await tempDir({ 'suite.yaml': 'providers: [nope]\nprompts: ["x"]\ntests: [{ asert: [] }]\nrepeat: -1\n' });
    const error = await loadSuite(`${dir}/suite.yaml`, project).catch((e: unknown) => e);
    expect((error as Error).name).toBe('LlmlabError');
    expect((error as { format(): string }).format()).toBe(
      [
        `${dir}/suite.yaml:3:11: unknown key \`asert\` in tests[0]`,
        '  hint: did you mean `assert`?',
        `${dir}/suite.yaml:4:9: \`repeat\` must be an integer between 1 and 1000, got -1`,
        '  hint: How many times to run every cell; repeats measure consistency (agreement, pass@k). Default 1.',
      ].join('\n'),
    );
  });

  it('reports a missing suite file as FILE_NOT_FOUND', async () => {
    const { loadSuite } = await import('../../src/config/load-suite.js');
    const { project } = await import('./helpers.js');
    const error = (await loadSuite('/nonexistent/suite.yaml', project).catch((e: unknown) => e)) as {
      code: string;
      message: string;
      where: unknown;
    };
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toBe('suite not found: /nonexistent/suite.yaml');
    expect(error.where).toEqual({ file: '/nonexistent/suite.yaml' });
  });
});
