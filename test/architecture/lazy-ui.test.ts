/**
 * A plain run (CI, a pipe, --no-tui) must not load Ink and React: they are about a second of CPU per process, paid
 * by every CI job and every spawned CLI in the tests. Only `ui/mount-tui.tsx`, imported dynamically once a TUI is
 * drawn, may bring them. A stray static import (a helper next to a component, say) once made every eval load them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const HEAVY = ['ink', 'react'];

/** Static, value imports of a module (`import type` and `import()` are left out): relative paths and packages. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  return found;
}

/** Every package reached through static imports from `entry`, with the chain of files that reaches it. */
function packagesReached(entry: string): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) {
        const base = join(dirname(file), spec).replace(/\.js$/, '');
        const next = [`${base}.ts`, `${base}.tsx`].find((f) => {
          try {
            readFileSync(f);
            return true;
          } catch {
            return false;
          }
        });
        if (next) walk(next, [...chain, relative(SRC, next)]);
      } else if (!spec.startsWith('node:')) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!reached.has(name)) reached.set(name, chain);
      }
    }
  };
  walk(join(SRC, entry), [entry]);
  return reached;
}

describe('the plain run path loads no TUI library', () => {
  it.each(['cli/eval.ts', 'cli/watch.ts', 'cli/report.ts', 'ui/reporter.ts'])('%s reaches neither ink nor react statically', (entry) => {
    const reached = packagesReached(entry);
    for (const name of HEAVY) expect(reached.get(name), `${name} via ${reached.get(name)?.join(' → ')}`).toBeUndefined();
  });

  it('sees the imports it checks: the TUI itself does reach ink', () => {
    expect(packagesReached('ui/mount-tui.tsx').has('ink')).toBe(true);
  });
});
