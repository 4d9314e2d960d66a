/**
 * Global setup of the `e2e` project: builds the CLI once at the start of every `vitest run` (so it is never
 * stale) and hands its path to the tests (`inject('llmlabBin')`, read by test/cli/run-cli.ts). Running the
 * built bin costs ~0.5 s a spawn against ~1.1 s through tsx, and is what users run. A compiler error fails the
 * whole run with tsc's output. In watch mode the build is redone before each rerun.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildCliPackage, rebuild } from './cli-package.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the built dist/cli/bin.js of this run (see test/setup/cli-package.ts). */
    llmlabBin: string;
  }
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export default async function setup(project: TestProject): Promise<() => void> {
  const pkg = await buildCliPackage(REPO);
  project.provide('llmlabBin', pkg.bin);
  project.onTestsRerun(() => rebuild(REPO, pkg));
  return () => rmSync(pkg.root, { recursive: true, force: true });
}
