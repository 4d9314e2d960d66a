/**
 * `prompts:` entries → ResolvedPrompt: inline templates, chat messages, and `file:` references (relative to the
 * suite; a `.json` file holding a list is chat messages, any other file a template), with the `tools` the model
 * may call (resolve-tools.ts).
 */
import { basename, extname } from 'node:path';
import { LlmlabError } from '../errors.js';
import type { ChatMessage } from '../types.js';
import type { PromptFile, ResolvedPrompt } from './types.js';
import { checkBuiltIn } from './check-value.js';
import { readReferenced } from './context.js';
import { resolveTools } from './resolve-tools.js';
import type { ResolveContext } from './context.js';
import { parseYaml } from './yaml-source.js';
import type { PathSegment } from './yaml-source.js';

const FILE_PREFIX = 'file:';

export async function resolvePrompts(entries: PromptFile[], context: ResolveContext): Promise<ResolvedPrompt[]> {
  const prompts: ResolvedPrompt[] = [];
  const seen = new Map<string, number>();
  for (const [i, entry] of entries.entries()) {
    const prompt = await resolvePrompt(entry, i, context);
    if (!prompt) continue;
    const idPath: PathSegment[] = typeof entry !== 'string' && entry.id !== undefined ? ['prompts', i, 'id'] : ['prompts', i];
    const first = seen.get(prompt.id);
    if (first === undefined) seen.set(prompt.id, i);
    else {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `duplicate prompt id \`${prompt.id}\` in prompts[${i}] (also prompts[${first}])`, {
          where: context.source.locate(idPath),
          hint: `prompt ids name prompts in reports, so they must differ: give one an \`id\` (the other is on line ${context.source.locate(['prompts', first]).line})`,
        }),
      );
    }
    prompts.push(prompt);
  }
  return prompts;
}

async function resolvePrompt(entry: PromptFile, i: number, context: ResolveContext): Promise<ResolvedPrompt | undefined> {
  const prompt = await resolveText(entry, i, context);
  if (!prompt || typeof entry === 'string') return prompt;
  const tools = await resolveTools(entry.tools, ['prompts', i, 'tools'], context);
  return {
    ...prompt,
    ...(tools ? { tools } : {}),
    ...(entry.toolChoice === undefined ? {} : { toolChoice: entry.toolChoice }),
  };
}

async function resolveText(entry: PromptFile, i: number, context: ResolveContext): Promise<ResolvedPrompt | undefined> {
  const fallbackId = `prompt-${i + 1}`;
  const inline = (path: PathSegment[]) => ({ file: context.file, line: context.source.contentLine(path) });
  if (typeof entry === 'string') {
    if (entry.startsWith(FILE_PREFIX)) return readPromptFile(entry.slice(FILE_PREFIX.length).trim(), undefined, ['prompts', i], context);
    return { id: fallbackId, template: entry, source: inline(['prompts', i]) };
  }
  if ('template' in entry) return { id: entry.id ?? fallbackId, template: entry.template, source: inline(['prompts', i, 'template']) };
  if ('messages' in entry) return { id: entry.id ?? fallbackId, messages: entry.messages, source: inline(['prompts', i, 'messages']) };
  return readPromptFile(entry.file, entry.id, ['prompts', i, 'file'], context);
}

/** Reads a prompt file; its id defaults to the file's name without extension. */
async function readPromptFile(
  ref: string,
  id: string | undefined,
  refPath: PathSegment[],
  context: ResolveContext,
): Promise<ResolvedPrompt | undefined> {
  const read = await readReferenced(context, ref, 'prompt file', refPath);
  if (!read) return undefined;
  const { file, text } = read;
  const promptId = id ?? basename(file, extname(file));
  const source = { file, line: 1 };
  if (extname(file).toLowerCase() === '.json') {
    const messages = parseMessages(file, text, context);
    if (messages === null) return undefined;
    if (messages !== undefined) return { id: promptId, messages, source };
  }
  return { id: promptId, template: text, source };
}

/**
 * A `.json` prompt holding a list is chat messages (validated, with positions in that file). Anything else,
 * including text that is not JSON at all (a template of JSON with `{{ }}` in it), is a template: undefined.
 * null when the list is invalid (the problems are recorded).
 */
function parseMessages(file: string, text: string, context: ResolveContext): ChatMessage[] | undefined | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const problems = checkBuiltIn('suite:messages', value, { subject: 'the messages list' });
  if (problems.length === 0) return value as ChatMessage[];
  const source = parseYaml(file, text);
  context.problems.addProblems(problems, 'CONFIG_INVALID', source.locate);
  return null;
}
