import { describe, expect, it } from 'vitest';
import { evaluate, isExpressionError, namesOf, parseExpression, type Expression } from '../../src/text/arithmetic.js';

function value(text: string, values: Record<string, number> = {}): number {
  const parsed = parseExpression(text);
  if (isExpressionError(parsed)) throw new Error(`${parsed.message} at ${parsed.at}`);
  return evaluate(parsed, values);
}

describe('arithmetic expressions', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['10 / 4', 2.5],
    ['7 % 4', 3],
    ['1 - 2 - 3', -4],
    ['max(1, 5, 3) + min(2, 0.5)', 5.5],
    ['sqrt(16) + abs(-1) + round(1.4) + pow(2, 3)', 14],
    ['.5 + 1e2', 100.5],
  ])('%s = %d', (text, expected) => {
    expect(value(text)).toBe(expected);
  });

  it('reads names, and a name with no value as 0 (promptfoo)', () => {
    expect(value('2 * tp / (2 * tp + fp + fn)', { tp: 8, fp: 2, fn: 2 })).toBe(0.8);
    expect(value('a + missing', { a: 1 })).toBe(1);
  });

  it('lists the names an expression reads, once each, in order', () => {
    const parsed = parseExpression('tp / (tp + fp) + max(recall, 0)') as Expression;
    expect([...namesOf(parsed)]).toEqual(['tp', 'fp', 'recall']);
  });

  it.each([
    ['', 'the expression is empty', 0],
    ['1 +', 'the expression ends too soon', 3],
    ['(1 + 2', 'expected `)`', 6],
    ['1 2', 'unexpected `2`', 2],
    ['a $ b', 'unexpected `$`', 2],
    ['eval(1)', 'unknown function `eval`', 0],
    ['a * )', 'unexpected `)`', 4],
  ])('refuses %j: %s at %d', (text, message, at) => {
    const parsed = parseExpression(text);
    expect(isExpressionError(parsed)).toBe(true);
    expect(parsed).toMatchObject({ at });
    expect((parsed as { message: string }).message).toContain(message);
  });

  it('gives Infinity for a division by zero, which the report shows as undefined', () => {
    expect(value('1 / 0')).toBe(Infinity);
  });
});
