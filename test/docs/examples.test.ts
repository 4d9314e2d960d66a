/**
 * The README and docs/*.md are read by newcomers who copy from them, so no example may rot:
 *
 * - every ```yaml block names, on its first line (`# suites/….yaml` or `# docs/examples/….yaml`), the file it
 *   comes from, and the rest of the block is that file or a contiguous run of its whole lines;
 * - every suite under docs/examples/ (a file whose first line is the suite `$schema` comment) loads and plans with
 *   the real config loader, and the offline ones (echo and mock models only) run with the real engine, every
 *   cell passing; every other YAML file there parses (and an llmlab.config.yaml loads as one);
 * - every relative link in README.md and docs/*.md points at an existing file (and heading, when it names one);
 * - the README stays short and keeps the two commands .ci/run and a newcomer rely on.
 *
 * e2e: running a suite asks git for the commit (src/git.ts spawns `git rev-parse`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import fg from 'fast-glob';
import { parseDocument } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../src/config/load-gateway.js';
import { loadSuite } from '../../src/config/load-suite.js';
import { loadProjectConfig } from '../../src/config/project-config.js';
import type { ResolvedSuite } from '../../src/config/types.js';
import { checkTemplates, createPlan } from '../../src/engine/plan.js';
import { openStore } from '../../src/store/index.js';
import { runInStore } from '../engine/run-in-store.js';

const root = resolve(new URL('../../', import.meta.url).pathname);
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const pages = ['README.md', ...fg.sync('docs/*.md', { cwd: root }).sort()];
/** A page's text with its fenced code blocks blanked out (links and headings inside code are not links). */
const prose = (text: string) => text.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');

/** Every ```yaml / ```yml block of every page, with the page and line it starts on. */
const blocks = pages.flatMap((page) => {
  const text = read(page);
  return [...text.matchAll(/^```ya?ml[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    page,
    line: text.slice(0, m.index).split('\n').length,
    body: m[1]!,
  }));
});

/** `# docs/examples/x.yaml` or `# suites/x.yaml` on a block's first line. */
const SOURCE = /^# ((?:suites|docs\/examples)\/[\w./-]+\.ya?ml)\n/;
const SUITE_SCHEMA = /^# yaml-language-server: \$schema=(?:\.\.\/)+schemas\/suite\.schema\.json\n/;
const GATEWAY_SCHEMA = /^# yaml-language-server: \$schema=(?:\.\.\/)+schemas\/gateway\.schema\.json\n/;

const exampleYaml = fg.sync('docs/examples/**/*.{yaml,yml}', { cwd: root }).sort();
const exampleSuites = exampleYaml.filter((path) => SUITE_SCHEMA.test(read(path)));
const otherYaml = exampleYaml.filter((path) => !exampleSuites.includes(path));

describe('YAML blocks in README.md and docs/*.md', () => {
  it('exist', () => expect(blocks.length).toBeGreaterThan(10));

  it.each(blocks.map((b) => [`${b.page}:${b.line}`, b] as const))('%s is an excerpt of the file it names', (_, block) => {
    const source = SOURCE.exec(block.body);
    expect(source, 'the first line must name the file: `# docs/examples/….yaml` or `# suites/….yaml`').not.toBeNull();
    const file = read(source![1]!);
    const excerpt = block.body.slice(source![0].length);
    expect(excerpt.trim(), 'an empty excerpt').not.toBe('');
    // A contiguous run of whole lines: it starts the file or follows a newline, and ends with one.
    const whole = file === excerpt || file.startsWith(excerpt) || file.includes(`\n${excerpt}`);
    expect(whole, `not a run of whole lines of ${source![1]}:\n${excerpt}`).toBe(true);
    expect(parseDocument(file).errors).toEqual([]);
  });
});

describe('docs/examples', () => {
  it('holds suites and other YAML', () => {
    expect(exampleSuites.length).toBeGreaterThan(5);
    expect(otherYaml).toContain('docs/examples/github-workflow.yml');
  });

  it.each(otherYaml)('%s parses', async (path) => {
    const doc = parseDocument(read(path));
    expect([doc.errors, doc.warnings]).toEqual([[], []]);
    if (GATEWAY_SCHEMA.test(read(path))) {
      // A gateway config: validated and resolved as `llmlab gateway` does (candidates, prompt files, quality suites).
      const gateway = await loadGatewayConfig(join(root, path), { cwd: root, env: {} });
      expect(Object.keys(gateway.models).length).toBeGreaterThan(0);
    }
    if (path.endsWith('llmlab.config.yaml')) {
      // Validated against config.schema.json, its metric modules found.
      const config = await loadProjectConfig({ cwd: dirname(join(root, path)), env: {} });
      expect(config.file).toBe(join(root, path));
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'llmlab-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const offline = (suite: ResolvedSuite) =>
    [...suite.providers, ...Object.values(suite.graders ?? {})].every((p) => p.type === 'echo' || p.type === 'mock');

  it.each(exampleSuites)('%s loads, plans and, when offline, runs', async (path) => {
    const file = join(root, path);
    // The nearest llmlab.config.yaml, as the CLI finds it (docs/examples/project/ has its own).
    const suite = await loadSuite(file, await loadProjectConfig({ cwd: dirname(file), env: {} }));
    const plan = createPlan(suite);
    expect(plan.totalCells).toBeGreaterThan(0);
    checkTemplates(plan);
    if (!offline(suite)) return;
    const store = openStore(join(dir, `${relative(root, path).replaceAll('/', '_')}.db`));
    try {
      const { outcome, cells } = await runInStore(store, dir, suite);
      expect(outcome.status).toBe('completed');
      expect(cells).toHaveLength(plan.totalCells);
      const failed = cells.filter((c) => c.status !== 'pass');
      expect(failed.map((c) => `${c.promptId} × ${c.providerLabel} × ${c.testId}: ${c.status} ${c.error ?? ''}`)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('some run offline', async () => {
    const names = [];
    for (const path of exampleSuites) {
      const file = join(root, path);
      if (offline(await loadSuite(file, await loadProjectConfig({ cwd: dirname(file), env: {} })))) names.push(path);
    }
    expect(names).toEqual(expect.arrayContaining(['docs/examples/first.yaml', 'docs/examples/transform.yaml']));
  });
});

/** GitHub's heading anchors: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const slug = heading!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

describe('links in README.md and docs/*.md', () => {
  const links = pages.flatMap((page) =>
    [...prose(read(page)).matchAll(/\]\(([^()\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => ({ page, target })),
  );

  it('exist', () => expect(links.length).toBeGreaterThan(20));

  it.each(links.map((l) => [`${l.page} → ${l.target}`, l] as const))('%s resolves', (_, { page, target }) => {
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const file = path === '' ? page : relative(root, resolve(root, dirname(page), path));
    expect(fg.sync(file, { cwd: root, onlyFiles: false }), `${file} does not exist`).toEqual([file]);
    if (anchor && file.endsWith('.md')) expect([...anchors(read(file))], `#${anchor} in ${file}`).toContain(anchor);
  });
});

describe('README.md', () => {
  const readme = read('README.md');

  it('is at most 250 lines', () => expect(readme.split('\n').length - 1).toBeLessThanOrEqual(250));

  it('keeps the two commands', () => {
    expect(readme).toContain(
      '```sh\n' +
        'npm ci && npx llmlab eval suites/quickstart.yaml   # install, build, and run the offline example suite\n' +
        'npm test                                           # type-check and run the test suite\n' +
        '```\n',
    );
    // .ci/run runs the README's test command.
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });
});
