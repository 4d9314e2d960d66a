/**
 * Which test files form the `e2e` project (read by vitest.config.ts and test/setup/projects.test.ts). Everything
 * else under test/ is `unit`: no network, no child process, no sleep, checked statically by projects.test.ts and
 * at run time by unit-guard.ts.
 *
 * e2e: tests that spawn processes (the CLI, exec providers, sandboxes, python, tsx probes), open servers on
 * 127.0.0.1 (test/fakes), drive a pseudo-terminal or chromium, or wait out real time limits.
 */

/** Whole folders: the CLI as a process, a browser, the fake servers themselves, providers against them. */
export const E2E_FOLDERS = ['test/cli/', 'test/browser/', 'test/fakes/', 'test/providers/', 'test/gateway/server/', 'test/view/server/'];

/** Single files elsewhere that need a real server, process or clock (each must exist: a move shows up here). */
export const E2E_FILES = [
  'test/engine/media-download-http.test.ts', // a loopback HTTP server
  'test/config/generated-validators.test.ts', // a fresh node process shows which modules one load needs
  'test/config/project-budget.test.ts',
  'test/datasets/benchmarks.test.ts',
  'test/datasets/gsm8k-majority.test.ts',
  'test/datasets/humaneval.test.ts',
  'test/datasets/lm-eval-differential.test.ts',
  'test/datasets/oracle.test.ts',
  'test/docs/examples.test.ts', // runs the docs' offline suites: runSuite asks git for the commit
  'test/engine/attack-run.test.ts',
  'test/engine/budget.test.ts',
  'test/engine/compare-run.test.ts', // runSuite asks git for the commit
  'test/engine/judge-cache.test.ts',
  'test/engine/judge-metrics.test.ts',
  'test/engine/media-run.test.ts', // runSuite asks git for the commit
  'test/engine/run-suite.test.ts',
  'test/engine/tpm-run.test.ts',
  'test/finetune/command-backend.test.ts', // runs a fake trainer; serves to a fake Ollama on 127.0.0.1
  'test/finetune/openai-backend.test.ts', // the fake OpenAI files + fine-tuning server on 127.0.0.1
  'test/gateway/openai-wire-sdk.test.ts', // the openai SDK reads the wire bodies from a hono app on 127.0.0.1
  'test/git.test.ts', // runs git
  'test/metrics/code-exec-sandbox.test.ts',
  'test/metrics/code-exec-sandbox-users.test.ts',
  'test/metrics/contract.test.ts', // code-exec runs python in bubblewrap
  'test/metrics/refuses.test.ts',
  'test/metrics/python.test.ts', // a real python3 serves the checks
  'test/metrics/user-metric.test.ts', // waits out the real 5 s time limit
  'test/metrics/webhook.test.ts', // a fake grading service on 127.0.0.1
  'test/report/writers/html-security-baseline.test.ts',
  'test/report/writers/write-atomic.test.ts', // mounts a tmpfs
  'test/store/faults.test.ts', // runSuite asks git for the commit
  'test/ui/pause-gate.test.ts',
];

/** Globs (relative to the repository root) of the e2e project's test files. */
export const E2E = [...E2E_FOLDERS.map((folder) => `${folder}**/*.test.ts`), ...E2E_FILES];

/** Every test file; unit = ALL minus E2E. */
export const ALL = ['test/**/*.test.ts'];
