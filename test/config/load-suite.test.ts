/** A suite using every feature resolves to exactly this; and the rules behind each resolved field. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import type { ResolvedSuite } from '../../src/config/types.js';
import { HEAD, loadOk, project } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/config/', import.meta.url));

/** The suite with absolute paths made relative to the fixtures folder, for a machine-independent snapshot. */
function relative(suite: ResolvedSuite, dir: string): unknown {
  return JSON.parse(JSON.stringify(suite).replaceAll(dir, '<fixtures>/'));
}

describe('loadSuite', () => {
  it('resolves a suite using every feature', async () => {
    const suite = await loadSuite(`${fixtures}full/suite.yaml`, project);
    expect(relative(suite, fixtures)).toMatchInlineSnapshot(`
      {
        "baseDir": "<fixtures>/full",
        "description": "Support bot answers",
        "gates": {
          "minPassRate": 0.9,
        },
        "hash": "b319b181c30b04ef62e211f84a238a46db608d2c732b09f5082219b6098b38e0",
        "path": "<fixtures>/full/suite.yaml",
        "prices": {},
        "prompts": [
          {
            "id": "prompt-1",
            "source": {
              "file": "<fixtures>/full/suite.yaml",
              "line": 15,
            },
            "template": "Answer: {{ question }}",
          },
          {
            "id": "terse",
            "source": {
              "file": "<fixtures>/full/suite.yaml",
              "line": 18,
            },
            "template": "Answer in one sentence: {{ question }}
      ",
          },
          {
            "id": "chat",
            "messages": [
              {
                "content": "You are {{ tone }}.",
                "role": "system",
              },
              {
                "content": "{{ question }}",
                "role": "user",
              },
            ],
            "source": {
              "file": "<fixtures>/full/suite.yaml",
              "line": 21,
            },
          },
          {
            "id": "greeting",
            "source": {
              "file": "<fixtures>/full/prompts/greeting.txt",
              "line": 1,
            },
            "template": "Hello! {{ question }}
      ",
          },
          {
            "id": "from-json",
            "messages": [
              {
                "content": "Be brief.",
                "role": "system",
              },
              {
                "content": "{{ question }}",
                "role": "user",
              },
            ],
            "source": {
              "file": "<fixtures>/full/prompts/chat.json",
              "line": 1,
            },
          },
        ],
        "providers": [
          {
            "config": {},
            "id": "echo",
            "label": "echo",
            "limits": {
              "maxRetries": 4,
              "timeoutMs": 60000,
            },
            "model": "",
            "type": "echo",
          },
          {
            "config": {
              "default": "Use the reset link.",
            },
            "id": "mock",
            "label": "scripted",
            "limits": {
              "concurrency": 2,
              "maxRetries": 4,
              "rpm": 120,
              "timeoutMs": 5000,
            },
            "model": "",
            "type": "mock",
          },
        ],
        "repeat": 3,
        "sources": [
          "<fixtures>/full/suite.yaml",
          "<fixtures>/full/prompts/greeting.txt",
          "<fixtures>/full/prompts/chat.json",
        ],
        "tests": [
          {
            "assert": [
              {
                "metric": "icontains",
                "negate": false,
                "source": {
                  "col": 9,
                  "file": "<fixtures>/full/suite.yaml",
                  "line": 29,
                },
                "type": "icontains",
                "value": "reset link",
                "weight": 1,
              },
              {
                "metric": "short",
                "negate": false,
                "source": {
                  "col": 9,
                  "file": "<fixtures>/full/suite.yaml",
                  "line": 30,
                },
                "type": "javascript",
                "value": "output.length < 200",
                "weight": 2,
              },
              {
                "metric": "not-contains",
                "negate": true,
                "source": {
                  "col": 7,
                  "file": "<fixtures>/full/suite.yaml",
                  "line": 41,
                },
                "type": "contains",
                "value": "As an AI",
                "weight": 1,
              },
            ],
            "description": "reset",
            "id": "08a89557798d",
            "index": 0,
            "metadata": {
              "owner": "support",
            },
            "vars": {
              "question": "How do I reset my password?",
              "tone": "friendly",
            },
          },
          {
            "assert": [
              {
                "metric": "not-contains",
                "negate": true,
                "source": {
                  "col": 7,
                  "file": "<fixtures>/full/suite.yaml",
                  "line": 41,
                },
                "type": "contains",
                "value": "As an AI",
                "weight": 1,
              },
            ],
            "cluster": "greetings",
            "id": "25a465a1eb28",
            "index": 1,
            "metadata": {
              "owner": "support",
              "source": "manual",
            },
            "vars": {
              "question": "Hi",
              "tone": "friendly",
            },
          },
          {
            "assert": [
              {
                "metric": "regex",
                "negate": false,
                "source": {
                  "col": 9,
                  "file": "<fixtures>/full/suite.yaml",
                  "line": 37,
                },
                "threshold": 0.5,
                "type": "regex",
                "value": "refund|credit",
                "weight": 1,
              },
              {
                "metric": "not-contains",
                "negate": true,
                "source": {
                  "col": 7,
                  "file": "<fixtures>/full/suite.yaml",
                  "line": 41,
                },
                "type": "contains",
                "value": "As an AI",
                "weight": 1,
              },
            ],
            "id": "refund",
            "index": 2,
            "metadata": {
              "owner": "support",
            },
            "vars": {
              "question": "Refund?",
              "tone": "terse",
            },
          },
        ],
      }
    `);
  });

  it('merges defaultTest: vars under the test\'s, assertions after, metadata merged', async () => {
    const { suite } = await loadOk({
      'suite.yaml': `${HEAD}tests:
  - vars: { q: own, extra: 1 }
    assert: [{ type: contains, value: a }]
    metadata: { k: own }
  - {}
defaultTest:
  vars: { q: default, lang: en }
  assert: [{ type: icontains, value: b }, { type: not-equals, value: c }]
  metadata: { k: default, team: x }
`,
    });
    const [first, second] = suite.tests;
    expect(first?.vars).toEqual({ q: 'own', extra: 1, lang: 'en' });
    expect(first?.assert.map((a) => a.metric)).toEqual(['contains', 'icontains', 'not-equals']);
    expect(first?.metadata).toEqual({ k: 'own', team: 'x' });
    expect(second?.vars).toEqual({ q: 'default', lang: 'en' });
    expect(second?.assert.map((a) => [a.type, a.negate])).toEqual([
      ['icontains', false],
      ['equals', true],
    ]);
  });

  it('moves engine keys into limits, with project defaults for the rest', async () => {
    const { suite } = await loadOk({
      'suite.yaml': `providers:
  - echo
  - id: mock
    config: { maxRetries: 0, concurrency: 3, default: hi }
prompts: [x]
tests: [{}]
`,
    });
    const custom = await loadSuite(suite.path, { ...project, timeoutMs: 1234, maxRetries: 9 });
    expect(custom.providers.map((p) => [p.id, p.config, p.limits])).toEqual([
      ['echo', {}, { timeoutMs: 1234, maxRetries: 9 }],
      ['mock', { default: 'hi' }, { timeoutMs: 1234, maxRetries: 0, concurrency: 3 }],
    ]);
  });

  it('splits provider ids into type and model at the first colon', async () => {
    const { suite } = await loadOk({
      'suite.yaml': `providers:
  - openai:gpt-4o-mini
  - "exec:python bot.py --flag=a:b"
  - { id: "ollama:llama3.2", label: local }
prompts: [x]
tests: [{}]
`,
    });
    expect(suite.providers.map((p) => [p.type, p.model, p.label])).toEqual([
      ['openai', 'gpt-4o-mini', 'openai:gpt-4o-mini'],
      ['exec', 'python bot.py --flag=a:b', 'exec:python bot.py --flag=a:b'],
      ['ollama', 'llama3.2', 'local'],
    ]);
  });

  it('reads prompt files: a .json list is messages, anything else is a template', async () => {
    const { suite, dir } = await loadOk({
      'suite.yaml': `providers: [echo]
prompts:
  - file:p/plain.md
  - file: p/object.json
  - { id: named, file: p/templated.json }
  - file:p/tpl.njk
tests: [{}]
`,
      'p/plain.md': '# {{ q }}\n',
      'p/object.json': '{"question": "{{ q }}"}',
      'p/templated.json': '{"n": {{ n }}}',
      'p/tpl.njk': '{% if q %}{{ q }}{% endif %}',
    });
    expect(suite.prompts.map((p) => [p.id, p.template, p.messages, p.source.file.replace(dir, '')])).toEqual([
      ['plain', '# {{ q }}\n', undefined, '/p/plain.md'],
      ['object', '{"question": "{{ q }}"}', undefined, '/p/object.json'],
      ['named', '{"n": {{ n }}}', undefined, '/p/templated.json'],
      ['tpl', '{% if q %}{{ q }}{% endif %}', undefined, '/p/tpl.njk'],
    ]);
    expect(suite.sources.map((f) => f.replace(dir, ''))).toEqual([
      '/suite.yaml',
      '/p/plain.md',
      '/p/object.json',
      '/p/templated.json',
      '/p/tpl.njk',
    ]);
  });

  it('records where inline prompt text starts, for template error lines', async () => {
    const { suite } = await loadOk({
      'suite.yaml': `providers: [echo]
prompts:
  - "plain {{ q }}"
  - template: >-
      folded
      {{ q }}
  - template: "quoted"
  - messages: [{ role: user, content: x }]
tests: [{}]
`,
    });
    expect(suite.prompts.map((p) => p.source.line)).toEqual([3, 5, 7, 8]);
  });

  it('defaults repeat to 1 and gates to none', async () => {
    const { suite } = await loadOk({ 'suite.yaml': `${HEAD}tests: [{}]\n` });
    expect([suite.repeat, suite.gates, suite.description]).toEqual([1, {}, undefined]);
  });

  it('resolves paths relative to the suite, whatever the cwd', async () => {
    const { suite, dir } = await loadOk({
      'nested/suite.yaml': 'providers: [echo]\nprompts: [file:../shared/p.txt]\ntests: [{}]\n',
      'shared/p.txt': 'shared',
      'suite.yaml': `${HEAD}tests: [{}]\n`,
    });
    const nested = await loadSuite(`${dir}/nested/suite.yaml`, project);
    expect(nested.baseDir).toBe(`${dir}/nested`);
    expect(nested.prompts[0]?.template).toBe('shared');
    expect(suite.path).toBe(`${dir}/suite.yaml`);
  });

  it('supports YAML anchors, aliases and merge keys', async () => {
    const { suite: merged } = await loadOk({
      'suite.yaml': `providers: [echo]
prompts: [x]
tests:
  - vars: &base { q: 1, lang: en }
    assert: &checks [{ type: contains, value: a }]
  - vars: { <<: *base, q: 2 }
    assert: *checks
`,
    });
    expect(merged.tests.map((t) => [t.vars, t.assert.length])).toEqual([
      [{ q: 1, lang: 'en' }, 1],
      [{ q: 2, lang: 'en' }, 1],
    ]);
  });

  it('lists at most 25 problems and counts the rest', async () => {
    const tests = Array.from({ length: 30 }, (_, i) => `  - assert: [{ type: nope${i} }]\n`).join('');
    const dir = (await loadOk({ 'suite.yaml': `${HEAD}tests: [{}]\n` })).dir;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/many.yaml`, `${HEAD}tests:\n${tests}`);
    const error = (await loadSuite(`${dir}/many.yaml`, project).catch((e: unknown) => e)) as { errors: Error[] };
    expect(error.errors).toHaveLength(26);
    expect(error.errors[0]?.message).toBe('unknown assertion type `nope0` in tests[0].assert[0]');
    expect(error.errors.at(-1)?.message).toBe('…and 5 more problems');
  });
});
