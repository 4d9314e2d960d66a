import { describe, expect, it } from 'vitest';
import isJson from '../../src/metrics/is-json.js';
import { prepareMetric, scoreMetric } from './test-metric.js';

const person = {
  type: 'object',
  required: ['name', 'age'],
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 }, email: { format: 'email' } },
  additionalProperties: false,
};

describe('is-json', () => {
  it('passes on JSON of any kind, with surrounding whitespace', async () => {
    for (const output of ['{"a":1}', '\n  [1, 2]\n', '"text"', '42', 'null', 'true']) {
      expect(await scoreMetric(isJson, undefined, output)).toEqual({ pass: true, reason: 'valid JSON' });
    }
  });

  it('fails on text that is not JSON, with the parser message', async () => {
    for (const output of ['', 'hello', "{'a': 1}", '{"a":1,}', '{"a":1} trailing']) {
      const result = await scoreMetric(isJson, undefined, output);
      expect(result.pass).toBe(false);
      expect(result.reason).toMatch(/^not valid JSON: ./);
    }
  });

  it('accepts one fenced block that makes up the whole output', async () => {
    const fenced = ['```json\n{"a":1}\n```', '  ```JSON\r\n[1]\r\n```  ', '```\n{"a":1}\n```', '```json {"a":1} ```'];
    for (const output of fenced) {
      expect(await scoreMetric(isJson, undefined, output)).toEqual({
        pass: true,
        reason: 'valid JSON (inside a ``` fence)',
      });
    }
  });

  it('does not dig JSON out of prose, other languages or several blocks', async () => {
    for (const output of [
      'Here you go:\n```json\n{"a":1}\n```',
      '```js\n{"a":1}\n```',
      '```json\n{"a":1}\n```\n```json\n{"b":2}\n```',
      '```json\n{"a":1,}\n```',
    ]) {
      expect((await scoreMetric(isJson, undefined, output)).pass).toBe(false);
    }
  });

  it('validates the parsed value against a JSON Schema', async () => {
    const score = await prepareMetric(isJson, person);
    expect(await score('{"name":"Ada","age":36,"email":"ada@example.com"}')).toEqual({
      pass: true,
      reason: 'valid JSON matching the schema',
    });
    expect(await score('```json\n{"name":"Ada","age":36}\n```')).toEqual({
      pass: true,
      reason: 'valid JSON (inside a ``` fence) matching the schema',
    });
  });

  it('lists the first schema errors with their paths', async () => {
    const score = await prepareMetric(isJson, person);
    expect(await score('{"age":-1}')).toEqual({
      pass: false,
      reason: "JSON does not match the schema: / must have required property 'name'; /age must be >= 0",
    });
    const many = await score('{"age":1.5,"email":"nope","x":1,"y":2}');
    expect(many).toEqual({
      pass: false,
      reason:
        "JSON does not match the schema: / must have required property 'name'; " +
        '/ has unexpected property "x"; / has unexpected property "y" (+2 more)',
    });
  });

  it('checks formats (ajv-formats) and 2020-12 keywords', async () => {
    expect((await scoreMetric(isJson, person, '{"name":"A","age":1,"email":"not an email"}')).reason).toContain(
      '/email must match format "email"',
    );
    const tuple = { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false };
    expect((await scoreMetric(isJson, tuple, '["a", 1]')).pass).toBe(true);
    expect((await scoreMetric(isJson, tuple, '["a", 1, 2]')).pass).toBe(false);
  });

  it('tolerates annotations that strict mode would reject, as OpenAPI schemas carry them', async () => {
    const schema = { type: 'object', example: { a: 1 }, 'x-internal': true };
    expect((await scoreMetric(isJson, schema, '{}')).pass).toBe(true);
  });

  it('compiles two schemas with the same $id independently', async () => {
    const a = await prepareMetric(isJson, { $id: 'https://example.com/s', type: 'string' });
    const b = await prepareMetric(isJson, { $id: 'https://example.com/s', type: 'number' });
    expect((await a('"x"')).pass).toBe(true);
    expect((await b('1')).pass).toBe(true);
    expect((await b('"x"')).pass).toBe(false);
  });

  it('rejects an invalid schema from prepare as a config error', async () => {
    for (const value of [{ type: 'strnig' }, { minimum: 'zero' }, 'object', [1]]) {
      await expect(prepareMetric(isJson, value)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});
