/**
 * The layer order of src/ and the absence of import cycles (DESIGN.md §3), checked by dependency-cruiser with the
 * rules of .dependency-cruiser.mjs, in this process: tools/typescript-6/preload.mjs first points
 * dependency-cruiser's `typescript` at TypeScript 6 (it cannot read .ts files through TypeScript 7), for
 * dependency-cruiser alone.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ICruiseResult, IViolation } from 'dependency-cruiser';
import fg from 'fast-glob';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function cruiseSrc(): Promise<ICruiseResult> {
  // Through a variable: the preload is plain JavaScript without types, and must run before dependency-cruiser loads.
  const preload = new URL('../../tools/typescript-6/preload.mjs', import.meta.url).href;
  await import(preload);
  const { cruise } = await import('dependency-cruiser');
  const { default: extractOptions } = await import('dependency-cruiser/config-utl/extract-depcruise-options');
  const options = await extractOptions(join(ROOT, '.dependency-cruiser.mjs'));
  const { output } = await cruise(['src'], { ...options, baseDir: ROOT });
  if (typeof output === 'string') throw new Error('dependency-cruiser gave text, not a cruise result');
  return output;
}

/** `from → to (rule)`, and for a cycle the way back round. */
function describeViolation({ from, to, rule, cycle }: IViolation): string {
  const via = cycle?.length ? `: ${cycle.map((step) => step.name).join(' → ')}` : '';
  return `${from} → ${to} (${rule.name}${via})`;
}

let result: ICruiseResult;
// About 4 s of CPU (parsing every file with the TypeScript compiler); the limit only bounds a hang on a busy machine.
beforeAll(async () => {
  result = await cruiseSrc();
}, 120_000);

describe('src/ dependencies', () => {
  // A cruise that cannot read TypeScript sees no module and so no violation: it must be seen to read every file.
  it('are read from every file in src/', async () => {
    const files = await fg('src/**/*.{ts,tsx}', { cwd: ROOT });
    expect(files.length).toBeGreaterThan(0);
    const cruised = new Set(result.modules.map((m) => m.source));
    expect(files.filter((file) => !cruised.has(file)).sort()).toEqual([]);
  });

  it('keep the layer order and form no cycle', () => {
    expect(result.summary.violations.map(describeViolation)).toEqual([]);
  });
});
