/**
 * Which API keys a suite needs and this job lacks, found before anything runs. On a fork's pull request GitHub
 * withholds secrets (a `${{ secrets.X }}` is empty), and a suite that cannot call its models would only end in a
 * wall of errors; `llmlab ci` says why instead, and skips the suite where no key could have been given.
 */
import { readFileSync } from 'node:fs';
import { loadSuite } from '../config/load-suite.js';
import type { ProjectConfig, ResolvedProvider, ResolvedSuite } from '../config/types.js';
import { createGraders, createProviders } from '../engine/instances.js';
import { LlmlabError } from '../errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable a provider of the suite reads its key from, unset (or empty) in this job. */
export interface MissingKey {
  name: string;
  /** The provider (or judge) id as written, e.g. `openai:gpt-4o-mini`. */
  provider: string;
}

/**
 * Why no key could be there: `fork`, a `pull_request` from another repository; `dependabot`, a pull request
 * Dependabot opened (it only gets Dependabot secrets). Undefined: secrets were available, so a missing key is a
 * setup mistake, never something to skip over.
 */
export type SecretsWithheld = 'fork' | 'dependabot';

/**
 * Providers whose creation cannot need a key (`mock`, `echo`) or runs a user's code (`file`, `exec`), which
 * checking must not start: a key those read shows up when the suite runs.
 */
const NOT_CHECKED = new Set(['mock', 'echo', 'file', 'exec']);

/** The keys the suite's providers and judges need that `env` lacks; none for a suite that does not load. */
export async function missingKeys(suitePath: string, project: ProjectConfig, env: Env): Promise<MissingKey[]> {
  let suite: ResolvedSuite;
  try {
    suite = await loadSuite(suitePath, project);
  } catch {
    // An invalid suite is reported, with its position, by the run itself.
    return [];
  }
  // An empty value is what Actions substitutes for a secret it withholds: the same as unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const checks: Array<[ResolvedProvider, () => Promise<unknown>]> = [
    ...suite.providers.map((p): [ResolvedProvider, () => Promise<unknown>] => [p, () => createProviders({ ...suite, providers: [p] }, present)]),
    ...Object.entries(suite.graders ?? {}).map(([key, g]): [ResolvedProvider, () => Promise<unknown>] => [
      g,
      () => createGraders({ ...suite, graders: { [key]: g } }, present),
    ]),
  ];
  const missing = new Map<string, MissingKey>();
  for (const [provider, create] of checks) {
    if (NOT_CHECKED.has(provider.type)) continue;
    const name = await create().then(() => undefined, keyNameOf);
    if (name !== undefined) missing.set(`${name}\0${provider.id}`, { name, provider: provider.id });
  }
  return [...missing.values()];
}

/**
 * The variable of a provider's "not set" error: `OPENAI_API_KEY is not set (needed by provider …)` (openai,
 * anthropic) or `http:…: environment variable API_TOKEN is not set` (an http provider's `{{ env.NAME }}`).
 * Any other error is the run's to report.
 */
function keyNameOf(error: unknown): string | undefined {
  if (!(error instanceof LlmlabError) || error.code !== 'CONFIG_INVALID') return undefined;
  return /\b([A-Za-z_][A-Za-z0-9_]*) is not set\b/.exec(error.message)?.[1];
}

/** Whether GitHub withheld secrets from this job, read from the event file Actions writes. */
export function secretsWithheld(env: Env): SecretsWithheld | undefined {
  // pull_request_target runs the base's workflow with secrets, even for forks.
  if (!env.GITHUB_EVENT_PATH || env.GITHUB_EVENT_NAME === 'pull_request_target') return undefined;
  let event: PullRequestEvent;
  try {
    event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as PullRequestEvent;
  } catch {
    return undefined;
  }
  const pr = event.pull_request;
  if (!pr) return undefined;
  // Compared by name, not `head.repo.fork`: a pull request inside a repository that is itself a fork has secrets.
  // A deleted fork leaves `head.repo` null.
  const head = pr.head?.repo === null ? null : pr.head?.repo?.full_name;
  const base = pr.base?.repo?.full_name;
  if (head === null || (head !== undefined && base !== undefined && head !== base)) return 'fork';
  if (env.GITHUB_ACTOR === 'dependabot[bot]' || pr.user?.login === 'dependabot[bot]') return 'dependabot';
  return undefined;
}

interface PullRequestEvent {
  pull_request?: {
    head?: { repo?: { full_name?: string } | null };
    base?: { repo?: { full_name?: string } };
    user?: { login?: string };
  };
}

/** `OPENAI_API_KEY` / `A, B and C`, in Markdown (code spans) or plain. */
function nameList(names: string[], markdown: boolean): string {
  const quoted = names.map((n) => (markdown ? `\`${n}\`` : n));
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

/** Why the keys are missing, as a clause: "this pull request comes from a fork, so the X secret is not available". */
export function missingReason(names: string[], withheld: SecretsWithheld | undefined, markdown = true): string {
  const list = nameList(names, markdown);
  const secrets = `the ${list} secret${names.length === 1 ? ' is' : 's are'}`;
  if (withheld === 'fork') return `this pull request comes from a fork, so ${secrets} not available`;
  if (withheld === 'dependabot') return `Dependabot opened this pull request, so ${secrets} not available (it only gets Dependabot secrets)`;
  return `${list} ${names.length === 1 ? 'is' : 'are'} not set in this job`;
}
