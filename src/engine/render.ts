/**
 * Prompt rendering with nunjucks. Each prompt's template(s) compile once per run; rendering a cell only runs
 * the compiled template. Values of vars are data: a `{{` inside a var is printed, never re-rendered. Media (a
 * MediaRef var, a content part) becomes `parts` of a user message; see render-media.ts.
 */
import nunjucks from 'nunjucks';
import { LlmlabError } from '../errors.js';
import type { ResolvedPrompt } from '../config/types.js';
import type { ChatMessage, ContentPart, MediaRef, PromptContentPart, TestCase, ToolChoice, ToolDefinition } from '../types.js';
import { hasMarker, isMediaLocator, markedRef, markMediaVars, partsText, splitMarked, type PromptMedia } from './render-media.js';

/** A prompt compiled for rendering. */
export interface CompiledPrompt {
  id: string;
  render(test: TestCase): { messages: ChatMessage[]; prompt: string };
  /** The prompt's tools, sent as they are (never rendered: a schema is data, not a template). */
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** True when a content part's value may need the media store (`file:`, `data:`, `https://`): see preparePromptMedia. */
  mediaParts?: boolean;
}

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });

function compile(source: string, prompt: ResolvedPrompt, part: string): nunjucks.Template {
  try {
    // eagerCompile so a syntax error surfaces here, named, instead of at the first render.
    return new nunjucks.Template(source, env, undefined, true);
  } catch (error) {
    throw templateError(error, prompt, part);
  }
}

function templateError(error: unknown, prompt: ResolvedPrompt, part: string, test?: TestCase): LlmlabError {
  const raw = error instanceof Error ? error.message : String(error);
  // nunjucks prefixes "(unknown path) [Line 1, Column 5]" and a newline; keep its line/column, drop the rest.
  const pos = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  const detail = raw.replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/, '').replace(/\s+/g, ' ').trim();
  const line = pos ? Number(pos[1]) : undefined;
  const on = test ? ` for test ${test.index + 1}${test.description ? ` (${test.description})` : ''}` : '';
  const undefinedVar = /attempted to output null or undefined value/.test(detail);
  return new LlmlabError(
    'TEMPLATE_ERROR',
    `prompt \`${prompt.id}\`${part}${on}: ${undefinedVar ? 'uses a variable the test does not define' : detail}${line ? ` (template line ${line}${pos ? `, column ${pos[2]}` : ''})` : ''}`,
    {
      where: { file: prompt.source.file, line: prompt.source.line },
      hint: undefinedVar
        ? `add the variable to the test's vars (or defaultTest.vars), or use {{ name | default('') }}; vars here: ${Object.keys(test?.vars ?? {}).join(', ') || 'none'}`
        : 'check the nunjucks syntax; to print a literal {{ write {{ "{{" }} or wrap the text in {% raw %}…{% endraw %}',
      cause: error,
    },
  );
}

/**
 * Compiles a resolved prompt. Throws TEMPLATE_ERROR naming the prompt and line on a syntax error. `media` resolves
 * content parts written as `file:`, `data:` or `https://` (the run's media store); without it such a part is an
 * error when rendered.
 */
export function compilePrompt(prompt: ResolvedPrompt, media?: PromptMedia): CompiledPrompt {
  const compiled = compileText(prompt, media);
  if (prompt.tools) compiled.tools = prompt.tools;
  if (prompt.toolChoice !== undefined) compiled.toolChoice = prompt.toolChoice;
  return compiled;
}

/** One written part, compiled: its kind and the template of its text or value. */
interface CompiledPart {
  type: PromptContentPart['type'];
  template: nunjucks.Template;
}

function compileText(prompt: ResolvedPrompt, media: PromptMedia | undefined): CompiledPrompt {
  if (prompt.messages) {
    const compiled = prompt.messages.map((m, i) => {
      const at = ` (message ${i + 1}, ${m.role})`;
      const content = typeof m.content === 'string'
        ? compile(m.content, prompt, at)
        : m.content.map((part, j): CompiledPart => ({ type: part.type, template: compile(partSource(part), prompt, `${at} part ${j + 1}`) }));
      return { role: m.role, at, content };
    });
    return {
      id: prompt.id,
      ...(compiled.some((m) => Array.isArray(m.content) && m.content.some((p) => p.type !== 'text')) ? { mediaParts: true } : {}),
      render(test) {
        const { vars, refs } = markMediaVars(test.vars);
        const messages = compiled.map((m): ChatMessage => {
          if (!Array.isArray(m.content)) {
            return message(m.role, renderOne(m.content, vars, test, prompt, m.at), refs, prompt, m.at, test);
          }
          return partsMessage(m.role, m.content, { vars, refs, test, prompt, at: m.at, media });
        });
        return { messages, prompt: messages.map((m) => m.content).join('\n\n') };
      },
    };
  }
  const template = compile(prompt.template ?? '', prompt, '');
  return {
    id: prompt.id,
    render(test) {
      const { vars, refs } = markMediaVars(test.vars);
      const user = message('user', renderOne(template, vars, test, prompt, ''), refs, prompt, '', test);
      return { messages: [user], prompt: user.content };
    },
  };
}

function partSource(part: PromptContentPart): string {
  return part.type === 'text' ? part.text : part.type === 'image' ? part.image : part.audio;
}

/** A message from rendered text: with media markers (the template helper), split into parts at them. */
function message(role: ChatMessage['role'], text: string, refs: readonly MediaRef[], prompt: ResolvedPrompt, at: string, test: TestCase): ChatMessage {
  if (refs.length === 0 || !hasMarker(text)) return { role, content: text };
  const parts = splitMarked(text, refs);
  return withParts(role, parts, partsText(parts), prompt, at, test);
}

interface PartsContext {
  vars: Record<string, unknown>;
  refs: readonly MediaRef[];
  test: TestCase;
  prompt: ResolvedPrompt;
  at: string;
  media: PromptMedia | undefined;
}

/** A message written as parts: text parts render (markers in them split too), media parts resolve to one ref each. */
function partsMessage(role: ChatMessage['role'], written: CompiledPart[], context: PartsContext): ChatMessage {
  const { vars, refs, test, prompt, at } = context;
  const parts: ContentPart[] = [];
  // What text readers see: each written part on its own line, media as placeholders.
  const lines: string[] = [];
  written.forEach((part, j) => {
    const where = `${at} part ${j + 1}`;
    const text = renderOne(part.template, vars, test, prompt, where);
    if (part.type === 'text') {
      const split = hasMarker(text) ? splitMarked(text, refs) : [{ type: 'text' as const, text }];
      parts.push(...split);
      lines.push(partsText(split));
      return;
    }
    const media = partMedia(part.type, text, context, where);
    parts.push(media.$media === 'image' ? { type: 'image', media } : { type: 'audio', media });
    lines.push(partsText(parts.slice(-1)));
  });
  const content = lines.join('\n');
  if (!parts.some((p) => p.type !== 'text')) return { role, content };
  return withParts(role, parts, content, prompt, at, test);
}

/** The ref of an image/audio part's rendered value: a media var, or a `file:`/`https://`/`data:` string. */
function partMedia(kind: 'image' | 'audio', text: string, context: PartsContext, where: string): MediaRef {
  const { refs, test, prompt, media } = context;
  const value = text.trim();
  let ref = markedRef(text, refs);
  if (!ref) {
    if (!isMediaLocator(value)) {
      throw renderError(prompt, where, test, `an ${kind} part must be a media var, \`file:<path>\`, an https:// URL or a data: URI; it rendered to "${clip(value)}"`,
        `write ${kind}: "{{ ${kind} }}" with a var that holds ${kind === 'image' ? 'an image' : 'audio'} (vars: ${Object.keys(test.vars).join(', ') || 'none'}), or ${kind}: file:img/cat.png`);
    }
    if (!media) {
      throw renderError(prompt, where, test, `${clip(value)} needs the media store, which this caller did not open`, 'run the suite with `llmlab eval`, which opens the media store beside the database');
    }
    ref = media.resolve(value, kind, prompt.source.file);
  }
  if (ref.$media !== kind) {
    throw renderError(prompt, where, test, `an ${kind} part holds ${ref.$media} (${ref.name})`, `write {type: ${ref.$media}, ${ref.$media}: …} for it`);
  }
  return ref;
}

/** A message with media; only user messages carry media (APIs take images and audio from the user only). */
function withParts(role: ChatMessage['role'], parts: ContentPart[], content: string, prompt: ResolvedPrompt, at: string, test: TestCase): ChatMessage {
  if (role !== 'user') {
    const media = parts.find((p) => p.type !== 'text') as Exclude<ContentPart, { type: 'text' }>;
    throw renderError(prompt, at, test, `a ${role} message holds media (${media.media.name}); only user messages carry images and audio`,
      'move the media into a user message, e.g. messages: [{role: user, content: [{type: image, image: "{{ image }}"}, {type: text, text: …}]}]');
  }
  return { role, content, parts };
}

function renderError(prompt: ResolvedPrompt, part: string, test: TestCase, message: string, hint: string): LlmlabError {
  const on = ` for test ${test.index + 1}${test.description ? ` (${test.description})` : ''}`;
  return new LlmlabError('TEMPLATE_ERROR', `prompt \`${prompt.id}\`${part}${on}: ${message}`, {
    where: { file: prompt.source.file, ...(prompt.source.line === undefined ? {} : { line: prompt.source.line }) },
    hint,
  });
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function renderOne(template: nunjucks.Template, vars: Record<string, unknown>, test: TestCase, prompt: ResolvedPrompt, part: string): string {
  try {
    return template.render(vars);
  } catch (error) {
    throw templateError(error, prompt, part, test);
  }
}
