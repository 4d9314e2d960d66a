/** Every checked-in suite is documentation: it must load, plan and render without an API key. */
import fg from 'fast-glob';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/config/load-suite.js';
import { loadProjectConfig } from '../../src/config/project-config.js';
import { checkTemplates, createPlan } from '../../src/engine/plan.js';

const root = new URL('../../', import.meta.url).pathname;
const suites = fg.sync('suites/**/*.yaml', { cwd: root, absolute: true }).sort();

describe('checked-in suites', () => {
  it('exist', () => expect(suites.length).toBeGreaterThan(0));
  for (const path of suites) {
    it(`${path.slice(root.length)} loads and plans`, async () => {
      const suite = await loadSuite(path, await loadProjectConfig({ cwd: root }));
      const plan = createPlan(suite);
      expect(plan.totalCells).toBeGreaterThan(0);
      checkTemplates(plan);
    });
  }
});
