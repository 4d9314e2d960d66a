import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '../../src/report/writers/html/render.js';
import { formatP, formatUsd, plusMinusZero, pValueOnly, signed, signedPoints, usdDigits } from '../../src/report/shared.js';

describe('formatP', () => {
  it('prints tiny p-values as a bound with no `=` before `<`, others with two significant digits', () => {
    expect(formatP(0.0001)).toBe('p<0.001');
    expect(formatP(0.0004, 'Holm p')).toBe('Holm p<0.001');
    expect(formatP(0.001)).toBe('p=0.001');
    expect(formatP(0.00146)).toBe('p=0.0015');
    expect(formatP(0.625)).toBe('p=0.63');
    expect(formatP(1)).toBe('p=1');
    expect(pValueOnly(0.0002)).toBe('<0.001');
    expect(pValueOnly(0.048)).toBe('0.048');
    for (const p of [0, 1e-9, 0.0002, 0.01, 0.5]) expect(formatP(p)).not.toContain('=<');
  });
});

describe('USD', () => {
  it('prints zero (and float noise) as $0, never $0.0000', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(1e-15)).toBe('$0');
    expect(formatUsd(-1e-15)).toBe('$0');
    expect(usdDigits(0)).toBe('0');
  });

  it('keeps small non-zero costs non-zero with two significant digits, and drops trailing zeros down to cents', () => {
    expect(formatUsd(0.00012)).toBe('$0.00012');
    expect(formatUsd(0.00001)).toBe('$0.00001');
    expect(formatUsd(0.0000031)).toBe('$0.0000031');
    expect(formatUsd(0.0045)).toBe('$0.0045');
    expect(formatUsd(0.00123)).toBe('$0.0012');
    expect(formatUsd(0.0165)).toBe('$0.0165');
    expect(formatUsd(0.04)).toBe('$0.04');
    expect(formatUsd(0.1)).toBe('$0.10');
    expect(formatUsd(0.75)).toBe('$0.75');
    expect(formatUsd(1.25)).toBe('$1.25');
    expect(formatUsd(123.456)).toBe('$123.46');
    for (const x of [1e-4, 3e-5, 7e-7, 2e-9]) expect(formatUsd(x)).toMatch(/[1-9]/);
    for (const x of [1e-4, 3e-5, 7e-7, 2e-9]) expect(formatUsd(x)).not.toMatch(/e/);
  });

  it('puts a typographic minus before a negative amount, and none before one that prints as zero', () => {
    expect(formatUsd(-0.0023)).toBe('−$0.0023');
    expect(formatUsd(-1e-14)).toBe('$0');
  });
});

describe('signed changes', () => {
  it('decides the sign after rounding: +5.0, −12.5, and 0.0 (never −0.0)', () => {
    expect(signedPoints(0.05)).toBe('+5.0');
    expect(signedPoints(-0.125)).toBe('−12.5');
    expect(signedPoints(0)).toBe('0.0');
    expect(signedPoints(-0.0001)).toBe('0.0');
    expect(signedPoints(0.0004)).toBe('0.0');
    expect(signed(-0.00004, (m) => m.toFixed(4))).toBe('0.0000');
    expect(signed(-0.0023, usdDigits)).toBe('−0.0023');
    expect(signed(-1e-13, usdDigits)).toBe('0');
  });

  it('marks an unchanged value ± where the PR comment and the HTML report print it so', () => {
    expect(plusMinusZero(signedPoints(-0.0001))).toBe('±0.0');
    expect(plusMinusZero(signedPoints(-0.2))).toBe('−20.0');
    expect(plusMinusZero(signedPoints(0.2))).toBe('+20.0');
  });
});

describe('the HTML page script’s copy of the USD rule', () => {
  it('prints every amount as formatUsd does (templates/report/dom.js cannot import it)', () => {
    const source = readFileSync(join(TEMPLATES_DIR, 'report', 'dom.js'), 'utf8');
    const dom = new Function(`${source}\nreturn LlmlabDom;`)() as { fmtUsd(v: number): string };
    for (const x of [0, 1e-15, 0.00012, 0.0000031, 0.00123, 0.0045, 0.0165, 0.04, 0.1, 0.75, 0.999, 1.25, 123.456, -0.0023]) {
      expect(dom.fmtUsd(x)).toBe(formatUsd(x));
    }
  });
});
