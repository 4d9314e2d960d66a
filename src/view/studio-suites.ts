/**
 * The studio's read side: which suites the project has (its `suites` globs, and the suites of stored runs that
 * live under the project), and one suite loaded as the engine loads it, told as the editor needs it — each
 * prompt's text, where a save would write it and that file's current hash, the providers and the tests.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { loadSuite } from '../config/load-suite.js';
import type { ResolvedPrompt, ResolvedSuite } from '../config/types.js';
import { LlmlabError, LlmlabErrors, formatLocation } from '../errors.js';
import { promptHash } from '../store/index.js';
import { storedSuitePaths } from '../store/quality-rows.js';
import type { PromptMessage } from '../types.js';
import type { ViewContext } from './context.js';
import { ViewError } from './errors.js';
import { fileHash, projectPath, PROMPT_EXTENSIONS, relativeToRoot } from './studio-paths.js';
import { findInlinePrompt } from './studio-yaml.js';

/** A prompt as the editor shows it. */
export interface StudioPrompt {
  id: string;
  kind: 'template' | 'messages';
  template?: string;
  messages?: PromptMessage[];
  /** The file a save writes (relative to the project root): the prompt's own file, or the suite for an inline one. */
  file: string;
  inline: boolean;
  /** promptHash of the saved prompt, as runs record it. */
  hash: string;
  /** sha256 of `file` now: a save sends it back, and is refused if the file changed since. */
  fileHash: string;
  /** False when a save cannot write the prompt back in place; `reason` says why (a new file still can). */
  editable: boolean;
  reason?: string;
}

/** A suite as the studio's page loads it. */
export interface StudioSuite {
  path: string;
  description?: string;
  prompts: StudioPrompt[];
  providers: Array<{ label: string; id: string }>;
  tests: Array<{ id: string; description?: string }>;
  budget?: ResolvedSuite['budget'];
  /** sha256 of the suite file now. */
  fileHash: string;
}

/** Suite files of the project, relative to its root, sorted: the config's globs and the suites of stored runs. */
export async function listSuites(view: ViewContext): Promise<string[]> {
  const { default: fg } = await import('fast-glob');
  const found = await fg(view.project.suites, { cwd: view.root, absolute: true, onlyFiles: true });
  const stored = storedSuitePaths(view.store.db).filter((p) => existsSync(p) && statSync(p).isFile());
  const paths = new Set<string>();
  for (const path of [...found, ...stored]) {
    try {
      paths.add(relativeToRoot(view, projectPath(view, path, 'suite')));
    } catch {
      // a stored run of a suite outside this project: not the studio's to edit
    }
  }
  return [...paths].sort();
}

/** A loaded suite and the size and mtime of every file it read, to tell whether it is still current. */
interface Loaded {
  suite: ResolvedSuite;
  stamps: Array<[file: string, stamp: string]>;
}

/**
 * Loaded suites per server. Loading resolves every test (1.5 s for 50,000 tests from a JSONL file), and the page
 * loads a suite, then runs and saves it: each reuses the load while none of the files it read has changed.
 */
const loadedSuites = new WeakMap<ViewContext, Map<string, Loaded>>();

function stamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Loads the suite at `given` (relative to the root) as the engine does; a broken suite is a 422 at file:line:col. */
export async function openSuite(view: ViewContext, given: string): Promise<{ path: string; suite: ResolvedSuite }> {
  const path = projectPath(view, given, 'suite');
  if (!existsSync(path) || !statSync(path).isFile()) throw new ViewError(404, `no suite file ${given}`, 'pick a suite from the list');
  let cache = loadedSuites.get(view);
  if (!cache) loadedSuites.set(view, (cache = new Map()));
  const kept = cache.get(path);
  if (kept && kept.stamps.every(([file, was]) => stamp(file) === was)) return { path, suite: kept.suite };
  try {
    // Files known from the last load are stamped before reading: one changed while it loads is read again next
    // time. (A file new to this load can only be stamped after it.)
    const before = new Map([path, ...(kept?.stamps.map(([file]) => file) ?? [])].map((file) => [file, stamp(file)]));
    const suite = await loadSuite(path, view.project);
    const stamps = suite.sources.map((file): [string, string] => [file, before.get(file) ?? stamp(file)]);
    cache.set(path, { suite, stamps });
    return { path, suite };
  } catch (error) {
    cache.delete(path);
    throw suiteError(view, error);
  }
}

/** The editor's view of a loaded suite. */
export function describeSuite(view: ViewContext, suite: ResolvedSuite): StudioSuite {
  const text = readFileSync(suite.path, 'utf8');
  return {
    path: relativeToRoot(view, suite.path),
    ...(suite.description === undefined ? {} : { description: suite.description }),
    prompts: suite.prompts.map((p) => describePrompt(view, suite, p, text)),
    providers: suite.providers.map((p) => ({ label: p.label, id: p.id })),
    tests: suite.tests.map((t) => ({ id: t.id, ...(t.description === undefined ? {} : { description: t.description }) })),
    ...(suite.budget ? { budget: suite.budget } : {}),
    fileHash: fileHash(suite.path),
  };
}

function describePrompt(view: ViewContext, suite: ResolvedSuite, prompt: ResolvedPrompt, suiteText: string): StudioPrompt {
  const inline = prompt.source.file === suite.path;
  const base = {
    id: prompt.id,
    kind: prompt.messages ? ('messages' as const) : ('template' as const),
    ...(prompt.template === undefined ? {} : { template: prompt.template }),
    ...(prompt.messages ? { messages: prompt.messages } : {}),
    file: relativeToRoot(view, prompt.source.file),
    inline,
    hash: promptHash(prompt),
    fileHash: fileHash(prompt.source.file),
  };
  const reason = notEditable(view, suite, prompt, inline, suiteText);
  return reason ? { ...base, editable: false, reason } : { ...base, editable: true };
}

/** Why a save cannot write this prompt back where it came from; undefined when it can. */
function notEditable(view: ViewContext, suite: ResolvedSuite, prompt: ResolvedPrompt, inline: boolean, suiteText: string): string | undefined {
  if (prompt.messages) return 'a chat-messages prompt: the studio edits and runs templates only; edit its messages in the suite or their file';
  if (inline) {
    if (!['.yaml', '.yml'].includes(extname(suite.path).toLowerCase())) return 'the suite is not a YAML file; save the template to a new file';
    if (findInlinePrompt(suiteText, prompt.id)?.value !== prompt.template) return 'the suite does not write this prompt as an llmlab template (a translated config?); save it to a new file';
    return undefined;
  }
  try {
    projectPath(view, prompt.source.file, 'prompt file');
  } catch {
    return 'its file is outside the project directory; save it to a new file';
  }
  if (!PROMPT_EXTENSIONS.has(extname(prompt.source.file).toLowerCase())) return `the studio does not write ${extname(prompt.source.file) || 'extensionless'} files; save it to a new file`;
  return undefined;
}

/** A suite that does not load: every problem at its file:line:col (relative to the project), as the CLI prints it. */
function suiteError(view: ViewContext, error: unknown): unknown {
  if (!(error instanceof LlmlabError) || ['STORAGE_FAULT', 'INTERNAL'].includes(error.code)) return error;
  const all = error instanceof LlmlabErrors ? error.errors : [error];
  const message = all.map((e) => `${e.where ? `${formatLocation(e.where, view.root)}: ` : ''}${e.message}`).join('\n');
  return new ViewError(error.code === 'FILE_NOT_FOUND' && all.length === 1 ? 404 : 422, message, all.find((e) => e.hint)?.hint);
}
