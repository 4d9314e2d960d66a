/**
 * Setup of the `unit` project: Ink decides once, when it is first imported, whether it runs in CI (is-in-ci reads
 * CI and CONTINUOUS_INTEGRATION), and in CI it draws only a final frame. The UI tests watch live frames, and with
 * one module graph per worker (isolate: false) whichever file imports Ink first would decide for all of them: under
 * CI=true that made them time out, depending on the order of the files. So Ink is imported here, before any test
 * file, as on a developer's terminal, and the environment is given back at once. (The product never mounts Ink in
 * CI: see wantsTui in src/ui/reporter.ts.)
 */
const KEYS = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
const saved = KEYS.map((key) => [key, process.env[key]] as const);
for (const key of KEYS) delete process.env[key];
try {
  await import('ink');
} finally {
  for (const [key, value] of saved) if (value !== undefined) process.env[key] = value;
}
