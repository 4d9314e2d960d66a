/**
 * Saving a prompt from the studio: the template goes back where it came from — its `file:` prompt file, or its
 * place in the suite's YAML for an inline prompt (studio-yaml.ts) — or to a new file, and the save is recorded as
 * a prompt version (content hash, label, time, file), which History matches with the hashes runs record.
 *
 * Two people (or an editor and the studio) may change the same file: the page sends the hash of the file as it
 * loaded it, and a save over a file that has changed since is refused with a 409 instead of losing their edit.
 * A new file is written only where none exists, and the suite's entry is pointed at it (studio-repoint.ts) when the
 * suite is as the page loaded it (`suiteFileHash`); otherwise the answer says the suite was left as it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, relative, sep } from 'node:path';
import type { ResolvedPrompt } from '../config/types.js';
import { promptHash, type PromptVersion } from '../store/index.js';
import type { ViewContext } from './context.js';
import { ViewError } from './errors.js';
import { checkWritable, fileHash, projectPath, relativeToRoot, writeProjectFile } from './studio-paths.js';
import { openSuite } from './studio-suites.js';
import { repointPrompt } from './studio-repoint.js';
import { findInlinePrompt, replaceInlinePrompt } from './studio-yaml.js';

/** The body of `POST /api/studio/save`. */
export interface SaveRequest {
  suite: string;
  promptId: string;
  template: string;
  /** sha256 of the file the save writes, as the page loaded it (StudioPrompt.fileHash). */
  fileHash?: string;
  label?: string;
  /** Write the template to this new file (relative to the project root) instead, and point the suite at it. */
  newFile?: string;
  /** With `newFile`: sha256 of the suite file as the page loaded it (StudioSuite.fileHash); re-pointing needs it. */
  suiteFileHash?: string;
}

/** What a save answers. */
export interface SaveAnswer {
  version: { hash: string; label?: string; createdAt: number; file: string };
  /** The file written (relative to the root) and its hash now: the page's next save sends it. */
  file: string;
  fileHash: string;
  /** sha256 of the suite file now (changed by an inline save or a re-pointing). */
  suiteFileHash: string;
  /** Set for a new file: whether the suite's entry now points at it, and if not why. */
  note?: string;
}

/** A template longer than this is a mistake (a pasted dataset), not a prompt. */
export const MAX_TEMPLATE_CHARS = 1_000_000;

/** Checks the body's shape; a mistake is a 400 naming the field. */
export function saveRequest(body: unknown): SaveRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (key: string, required: boolean): string | undefined => {
    const v = b[key];
    if (v === undefined || v === null || (v === '' && !required)) {
      if (required) throw new ViewError(400, `${key} is required`, 'send { suite, promptId, template, fileHash }');
      return undefined;
    }
    if (typeof v !== 'string') throw new ViewError(400, `${key} must be a string`);
    return v;
  };
  const template = text('template', true)!;
  if (template.length > MAX_TEMPLATE_CHARS) throw new ViewError(413, `the template is ${template.length} characters; the studio saves at most ${MAX_TEMPLATE_CHARS}`);
  const label = text('label', false)?.trim();
  if (label !== undefined && label.length > 200) throw new ViewError(400, 'label is longer than 200 characters', 'a label names a version: `shorter refusals`, `v3`');
  const fileHashValue = text('fileHash', false);
  const newFile = text('newFile', false);
  const suiteFileHash = text('suiteFileHash', false);
  return {
    suite: text('suite', true)!,
    promptId: text('promptId', true)!,
    template,
    ...(fileHashValue ? { fileHash: fileHashValue } : {}),
    ...(label ? { label } : {}),
    ...(newFile ? { newFile } : {}),
    ...(suiteFileHash ? { suiteFileHash } : {}),
  };
}

/** Saves the prompt and records its version; see the module comment. */
export async function savePrompt(view: ViewContext, request: SaveRequest): Promise<SaveAnswer> {
  const { suite } = await openSuite(view, request.suite);
  const prompt = suite.prompts.find((p) => p.id === request.promptId);
  if (!prompt) throw new ViewError(404, `no prompt \`${request.promptId}\` in ${request.suite}`, 'reload the suite: its prompts may have changed');
  const written = request.newFile === undefined ? saveInPlace(view, suite.path, prompt, request) : saveNew(view, suite.path, prompt, request, request.newFile);
  const version: PromptVersion = view.store.promptVersions.add({
    suitePath: suite.path,
    promptId: prompt.id,
    hash: promptHash({ template: request.template }),
    ...(request.label ? { label: request.label } : {}),
    file: written.path,
  });
  const file = relativeToRoot(view, written.path);
  return {
    version: { hash: version.hash, ...(version.label ? { label: version.label } : {}), createdAt: version.createdAt, file },
    file,
    fileHash: written.hash,
    suiteFileHash: fileHash(suite.path),
    ...(written.note ? { note: written.note } : {}),
  };
}

/** Writes the template back to the prompt's own file or its place in the suite, if that file is as loaded. */
function saveInPlace(view: ViewContext, suitePath: string, prompt: ResolvedPrompt, request: SaveRequest): { path: string; hash: string; note?: string } {
  if (prompt.messages) throw new ViewError(422, `prompt \`${prompt.id}\` is chat messages; the studio saves templates only`, 'save the template to a new file instead');
  const inline = prompt.source.file === suitePath;
  const path = projectPath(view, prompt.source.file, 'prompt file');
  checkWritable(view, path, { suite: inline });
  const before = readFileSync(path, 'utf8');
  const now = fileHash(path);
  const rel = relativeToRoot(view, path);
  if (request.fileHash === undefined) throw new ViewError(400, 'fileHash is required to save in place', 'send the fileHash the suite answer gave for this prompt');
  if (request.fileHash !== now) {
    throw new ViewError(
      409,
      `${rel} changed on disk since you opened it (hash ${now.slice(0, 12)}… now, ${request.fileHash.slice(0, 12)}… then); reload the prompt to merge your edit`,
      'copy your draft, reload the suite, and apply it to the current text (or save it to a new file)',
    );
  }
  if (!inline) return { path, hash: writeProjectFile(path, request.template) };
  const place = findInlinePrompt(before, prompt.id);
  const next = place && place.value === prompt.template ? replaceInlinePrompt(before, place, request.template) : undefined;
  if (!next) throw new ViewError(422, `cannot find the template of prompt \`${prompt.id}\` in ${rel}`, 'save it to a new file instead');
  return { path, hash: writeProjectFile(path, next) };
}

/**
 * Writes the template to a new text file inside the project (never over an existing one) and points the suite's
 * entry at it when the suite is as loaded; the note says which.
 */
function saveNew(view: ViewContext, suitePath: string, prompt: ResolvedPrompt, request: SaveRequest, given: string): { path: string; hash: string; note: string } {
  const path = projectPath(view, given, 'new file');
  checkWritable(view, path);
  const rel = relativeToRoot(view, path);
  if (existsSync(path)) throw new ViewError(409, `${rel} already exists`, 'choose another name; to change that prompt, open it from its suite');
  const suiteRel = relativeToRoot(view, suitePath);
  const leftAs = (why: string) => `saved to ${rel}; ${suiteRel} was left as it was (${why}): point prompt \`${prompt.id}\` at \`file: ${rel}\` to run it`;
  let repointed: string | undefined;
  let why = 'no suiteFileHash was sent';
  if (prompt.messages) why = 'its prompt is chat messages';
  else if (!['.yaml', '.yml'].includes(extname(suitePath).toLowerCase())) why = 'it is not a YAML file';
  else if (request.suiteFileHash !== undefined) {
    if (request.suiteFileHash !== fileHash(suitePath)) {
      throw new ViewError(409, `${suiteRel} changed on disk since you opened it; reload the suite before saving to a new file`, 'the new file was not written');
    }
    const ref = relative(dirname(suitePath), path).split(sep).join('/');
    repointed = repointPrompt(readFileSync(suitePath, 'utf8'), prompt.id, ref);
    why = 'its entry could not be rewritten exactly';
  }
  const hash = writeProjectFile(path, request.template);
  if (repointed === undefined) return { path, hash, note: leftAs(why) };
  writeProjectFile(suitePath, repointed);
  return { path, hash, note: `saved to ${rel}, and prompt \`${prompt.id}\` of ${suiteRel} now reads it` };
}
