import { afterEach, expect, it } from 'vitest';
import { startTestView, viewProject, type ViewProject } from '../helpers.js';

let project: ViewProject | undefined;
afterEach(() => project?.dispose());

it('serves assets and answers 404 pages', async () => {
  project = viewProject();
  const view = await startTestView(project);
  try {
    const css = await fetch(`${view.url}/assets/view/view.css`);
    expect(css.status).toBe(200);
    const missing = await fetch(`${view.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('no page at /nope');
  } finally {
    await view.close();
  }
});
