/**
 * What a studio run runs: the suite narrowed to the providers and tests picked, with its saved prompt and the
 * draft (`draft:<id>`, same tools, the edited template), under a suite hash of its own. Narrowing before the
 * engine plans keeps a run of three tests of a 50,000-test suite from planning and rendering all 50,000. The run
 * still records the pick as a subset (`--prompt … --provider … --test …`), which the Runs page marks.
 */
import { createHash } from 'node:crypto';
import type { ResolvedPrompt, ResolvedSuite } from '../config/types.js';
import type { SubsetFlags } from '../engine/subset.js';
import { promptHash } from '../store/index.js';
import { ViewError } from './errors.js';
import { DRAFT_PREFIX } from './studio-cells.js';
import { MAX_TEMPLATE_CHARS } from './studio-save.js';

/** The body of `POST /api/studio/runs`. */
export interface RunRequest {
  suite: string;
  promptId: string;
  template: string;
  /** Provider labels; absent = all. */
  providers?: string[];
  /** Test ids; absent = all (or the first `first`). */
  tests?: string[];
  /** The first N tests in suite order, when `tests` is absent. */
  first?: number;
  /** Also run the saved version (default true). */
  saved: boolean;
}

/** Checks the body's shape; a mistake is a 400 naming the field. */
export function runRequest(body: unknown): RunRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const str = (key: string) => {
    if (typeof b[key] !== 'string' || b[key] === '') throw new ViewError(400, `${key} is required (a string)`, 'send { suite, promptId, template, providers?, tests?, first? }');
    return b[key] as string;
  };
  const list = (key: string) => {
    const v = b[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) throw new ViewError(400, `${key} must be a non-empty list of strings, or left out for all`);
    return v as string[];
  };
  const template = typeof b['template'] === 'string' ? b['template'] : str('template');
  if (template.length > MAX_TEMPLATE_CHARS) throw new ViewError(413, `the template is ${template.length} characters; the studio runs at most ${MAX_TEMPLATE_CHARS}`);
  if (b['saved'] !== undefined && typeof b['saved'] !== 'boolean') throw new ViewError(400, 'saved must be true or false');
  const first = b['first'];
  if (first !== undefined && first !== null && !(Number.isInteger(first) && (first as number) >= 1)) throw new ViewError(400, 'first must be a whole number of tests, 1 or more');
  const providers = list('providers');
  const tests = list('tests');
  return {
    suite: str('suite'),
    promptId: str('promptId'),
    template,
    ...(providers ? { providers } : {}),
    ...(tests ? { tests } : typeof first === 'number' ? { first } : {}),
    saved: b['saved'] !== false,
  };
}

/** The suite a studio run runs, and the subset it records; see the module comment. */
export function studioSuite(suite: ResolvedSuite, prompt: ResolvedPrompt, request: RunRequest): { suite: ResolvedSuite; subset: SubsetFlags } {
  const { messages: _messages, ...rest } = prompt;
  const draft: ResolvedPrompt = { ...rest, id: `${DRAFT_PREFIX}${prompt.id}`, template: request.template };
  const hash = createHash('sha256').update(`studio\0${suite.hash}\0${promptHash(draft)}`).digest('hex');
  // A target that only takes attacks answers no test: the studio runs no attacks.
  const testable = suite.providers.filter((p) => !(suite.security?.targetOnly && p.label === suite.security.target));
  const providers = request.providers ? picked(request.providers, testable, (p) => p.label, 'provider') : testable;
  const tests = request.tests ? picked(request.tests, suite.tests, (t) => t.id, 'test') : request.first ? suite.tests.slice(0, request.first) : suite.tests;
  const prompts = request.saved ? [prompt, draft] : [draft];
  const { security: _security, forgetting: _forgetting, ...plain } = suite;
  return {
    suite: { ...plain, providers, tests, prompts, hash },
    subset: {
      prompts: prompts.map((p) => p.id),
      ...(request.providers ? { providers: request.providers } : {}),
      ...(request.tests ? { tests: request.tests } : request.first ? { first: request.first } : {}),
    },
  };
}

/** The entries `names` name, in the suite's order; an unknown name is a 400 listing what there is. */
function picked<T>(names: readonly string[], all: readonly T[], name: (item: T) => string, what: string): T[] {
  const wanted = new Set(names);
  const known = new Set(all.map(name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    const some = [...known].slice(0, 10).join(', ');
    throw new ViewError(400, `no ${what} \`${unknown[0]}\` in this suite${unknown.length > 1 ? ` (nor ${unknown.length - 1} more)` : ''}`, `${what}s here: ${some}${known.size > 10 ? ', …' : ''}; reload the suite if it changed`);
  }
  return all.filter((item) => wanted.has(name(item)));
}
