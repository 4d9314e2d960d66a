import { describe, expect, it } from 'vitest';
import { toGeminiSchema } from '../../src/providers/gemini-schema.js';
import { resultOf } from '../../src/providers/gemini-response.js';

describe('toGeminiSchema', () => {
  it('drops the keywords Gemini rejects and keeps the ones it knows', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'x',
      type: 'object',
      additionalProperties: false,
      patternProperties: { '^x': { type: 'string' } },
      properties: {
        name: { type: 'string', minLength: 1, description: 'who', examples: ['a'] },
        tags: { type: 'array', items: { type: 'string', format: 'email' }, maxItems: 3, uniqueItems: true },
      },
      required: ['name', 'ghost'],
    };
    expect(toGeminiSchema(schema)).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, description: 'who' },
        tags: { type: 'array', items: { type: 'string', format: 'email' }, maxItems: 3 },
      },
      // A required name whose property is not there would be an error to Gemini.
      required: ['name'],
    });
  });

  it('spells const, nullable unions, oneOf and allOf the Gemini way', () => {
    const schema = {
      type: 'object',
      properties: {
        kind: { const: 'point' },
        label: { type: ['string', 'null'] },
        size: { oneOf: [{ type: 'integer' }, { type: 'null' }] },
        either: { type: ['string', 'number'] },
        level: { type: 'integer', enum: [1, 2, 3] },
        merged: { allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { properties: { b: { type: 'number' } }, required: ['b'] }] },
      },
    };
    expect(toGeminiSchema(schema)['properties']).toEqual({
      kind: { type: 'string', enum: ['point'] },
      label: { type: 'string', nullable: true },
      size: { type: 'integer', nullable: true },
      either: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      level: { type: 'integer' },
      merged: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['b'] },
    });
  });

  it('inlines local $refs and cuts a recursive schema off', () => {
    const schema = {
      type: 'object',
      properties: { root: { $ref: '#/$defs/node', description: 'the tree' }, other: { $ref: '#/definitions/missing' } },
      $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
    };
    const converted = toGeminiSchema(schema);
    const root = (converted['properties'] as Record<string, Record<string, unknown>>)['root']!;
    expect(root).toMatchObject({ type: 'object', description: 'the tree', properties: { name: { type: 'string' } } });
    expect(JSON.stringify(converted)).not.toContain('$ref');
    expect(JSON.stringify(converted)).not.toContain('$defs');
    expect((converted['properties'] as Record<string, unknown>)['other']).toEqual({ type: 'object' });
  });
});

describe('resultOf', () => {
  it('leaves thoughts out of the output and counts their tokens as output', () => {
    const result = resultOf('Google', {
      candidates: [{ content: { parts: [{ text: 'thinking…', thought: true }, { text: 'Paris' }] }, finishReason: 'STOP' }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1, thoughtsTokenCount: 30, cachedContentTokenCount: 4, totalTokenCount: 41 },
    });
    expect(result).toMatchObject({ output: 'Paris', finishReason: 'stop' });
    expect(result.usage).toEqual({ input: 10, output: 31, total: 41, cachedInput: 4 });
  });

  it('reports a blocked prompt as content_filter with an empty output', () => {
    const result = resultOf('Google', { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } });
    expect(result).toMatchObject({ output: '', finishReason: 'content_filter', raw: { blockReason: 'SAFETY' } });
  });

  it('normalises finish reasons and keeps unknown ones in lower case', () => {
    const reason = (finishReason: string) => resultOf('Google', { candidates: [{ content: { parts: [] }, finishReason }] }).finishReason;
    expect([reason('MAX_TOKENS'), reason('SAFETY'), reason('RECITATION'), reason('MALFORMED_FUNCTION_CALL')]).toEqual([
      'length',
      'content_filter',
      'content_filter',
      'malformed_function_call',
    ]);
  });

  it('calls a body with neither candidates nor feedback malformed', () => {
    expect(() => resultOf('Google', { error: 'x' })).toThrow(/^Google returned a malformed response/);
  });
});
