import { defineConfig } from 'vitest/config';
import { ALL, E2E } from './test/setup/projects.js';

export default defineConfig({
  test: {
    // Two cores: more workers only add contention (and the e2e tests' children need CPU too).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ALL,
          exclude: E2E,
          setupFiles: ['test/setup/unit-guard.ts', 'test/setup/ink-interactive.ts'],
          // One module graph per worker instead of one per file: importing src/ again for each of ~120 files was
          // more than half the project's CPU time. Every file restores what it changes (timers, env); shuffled
          // orders (--sequence.shuffle) pass.
          isolate: false,
          // vitest's default timeouts: a unit test that needs longer is doing something else.
        },
      },
      {
        test: {
          name: 'e2e',
          include: E2E,
          globalSetup: ['test/setup/build-cli.ts'],
          // As in unit: one module graph per worker. Most CLI tests now run main() in the worker, and importing the
          // engine and the SDKs again for each file cost more than the runs. Files restore what they change (env,
          // timers, servers); shuffled orders (--sequence.shuffle) pass.
          isolate: false,
          // These start processes (~0.5 s each) and servers; a 2-core CI runner with other jobs on it can make a
          // test of several CLI runs take many seconds. The limit only bounds a hang: passing tests never wait it.
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
