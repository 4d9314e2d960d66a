/**
 * Every checked-in suite is documentation: it must load, plan and render without an API key. That includes the
 * suites under docs/examples/ (those whose first line is the suite `$schema` comment; the other YAML there is a
 * workflow or a config), each loaded with its nearest llmlab.config.yaml, as the CLI would.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import fg from 'fast-glob';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { loadProjectConfig } from '../../src/config/project-config.js';
import { checkTemplates, createPlan } from '../../src/engine/plan.js';

const root = new URL('../../', import.meta.url).pathname;
const SUITE_SCHEMA = /^# yaml-language-server: \$schema=(?:\.\.\/)+schemas\/suite\.schema\.json\n/;
const suites = [
  ...fg.sync('suites/**/*.yaml', { cwd: root, absolute: true }),
  ...fg.sync('docs/examples/**/*.yaml', { cwd: root, absolute: true }).filter((path) => SUITE_SCHEMA.test(readFileSync(path, 'utf8'))),
].sort();

describe('checked-in suites', () => {
  it('exist', () => expect(suites.length).toBeGreaterThan(0));
  for (const path of suites) {
    it(`${path.slice(root.length)} loads and plans`, async () => {
      const suite = await loadSuite(path, await loadProjectConfig({ cwd: dirname(path), env: {} }));
      const plan = createPlan(suite);
      expect(plan.totalCells).toBeGreaterThan(0);
      checkTemplates(plan);
    });
  }
});
