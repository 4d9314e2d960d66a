/** A prompt's `tools` and `toolChoice`: inline or from a file, checked with positions, and part of the suite hash. */
import { describe, expect, it } from 'vitest';
import { loadErrors, loadOk } from './helpers.js';

const WEATHER = `[{ type: function, function: { name: get_weather, description: Weather now, parameters: { type: object, properties: { city: { type: string } }, required: [city] } } }]`;
const TESTS = 'tests:\n  - vars: { q: Paris }\n';

const suiteWith = (prompt: string) => `providers: [echo]\nprompts:\n  - ${prompt}\n${TESTS}`;

describe('prompt tools', () => {
  it('resolves inline tools and toolChoice onto the prompt', async () => {
    const { suite } = await loadOk({ 'suite.yaml': suiteWith(`{ id: w, template: "Weather in {{ q }}?", tools: ${WEATHER}, toolChoice: required }`) });
    expect(suite.prompts[0]).toMatchObject({
      id: 'w',
      toolChoice: 'required',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { required: ['city'] } } }],
    });
  });

  it('loads `file:` tools from JSON or YAML beside the suite, and reads them as sources', async () => {
    const json = JSON.stringify([{ type: 'function', function: { name: 'get_time' } }]);
    const { suite, dir } = await loadOk({
      'suite.yaml': `providers: [echo]\nprompts:\n  - { id: a, template: "x", tools: "file:tools/t.json", toolChoice: { name: get_time } }\n  - { id: b, messages: [{ role: user, content: "y" }], tools: file:tools/t.yaml }\n${TESTS}`,
      'tools/t.json': json,
      'tools/t.yaml': '- type: function\n  function:\n    name: get_date\n',
    });
    expect(suite.prompts.map((p) => [p.tools?.[0]?.function.name, p.toolChoice])).toEqual([
      ['get_time', { name: 'get_time' }],
      ['get_date', undefined],
    ]);
    expect(suite.sources).toEqual(expect.arrayContaining([`${dir}/tools/t.json`, `${dir}/tools/t.yaml`]));
  });

  it('rejects a bad tool name and a toolChoice word it does not know, at their positions', async () => {
    const errors = await loadErrors({
      'suite.yaml': suiteWith(`{ template: x, tools: [{ type: function, function: { name: "get weather" } }], toolChoice: always }`),
    });
    expect(errors.map((e) => e.at)).toEqual(['suite.yaml:3:64', 'suite.yaml:3:96']);
    expect(errors[0]!.message).toMatch(/name/);
  });

  it('rejects parameters ajv cannot compile, naming the tool, at the parameters line', async () => {
    const errors = await loadErrors({
      'suite.yaml': `providers: [echo]\nprompts:\n  - template: x\n    tools:\n      - type: function\n        function:\n          name: f\n          parameters: { type: strin }\n${TESTS}`,
    });
    expect(errors).toEqual([
      expect.objectContaining({ code: 'CONFIG_INVALID', at: 'suite.yaml:8:23', message: expect.stringMatching(/^tool `f`: parameters is not a valid JSON Schema: /) }),
    ]);
  });

  it('positions problems of a tools file in that file, and a missing file at the reference', async () => {
    const errors = await loadErrors({
      'suite.yaml': suiteWith('{ template: x, tools: "file:tools.yaml" }'),
      'tools.yaml': '- type: function\n  function:\n    name: a\n- type: function\n  function:\n    name: a\n    parameters: { minimum: "x" }\n',
    });
    expect(errors.map((e) => [e.at, e.message.split(':')[0]])).toEqual([
      ['tools.yaml:6:11', 'duplicate tool name `a` (tools 1 and 2)'],
      ['tools.yaml:7:17', 'tool `a`'],
    ]);
    const missing = await loadErrors({ 'suite.yaml': suiteWith('{ template: x, tools: "file:nope.json" }') });
    expect(missing).toEqual([expect.objectContaining({ code: 'FILE_NOT_FOUND', at: 'suite.yaml:3:27' })]);
  });

  it('changes the suite hash when the tools change, and not when a prompt has none', async () => {
    const plain = await loadOk({ 'suite.yaml': suiteWith('{ id: w, template: x }') });
    const tools = await loadOk({ 'suite.yaml': suiteWith(`{ id: w, template: x, tools: ${WEATHER} }`) });
    const forced = await loadOk({ 'suite.yaml': suiteWith(`{ id: w, template: x, tools: ${WEATHER}, toolChoice: required }`) });
    const again = await loadOk({ 'suite.yaml': suiteWith(`{ id: w, template: x, tools: ${WEATHER} }`) });
    expect(new Set([plain.suite.hash, tools.suite.hash, forced.suite.hash]).size).toBe(3);
    expect(again.suite.hash).toBe(tools.suite.hash);
  });
});
