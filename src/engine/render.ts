/**
 * Prompt rendering with nunjucks. Each prompt's template(s) compile once per run; rendering a cell only runs
 * the compiled template. Values of vars are data: a `{{` inside a var is printed, never re-rendered.
 */
import nunjucks from 'nunjucks';
import { LlmlabError } from '../errors.js';
import type { ResolvedPrompt } from '../config/types.js';
import type { ChatMessage, TestCase, ToolChoice, ToolDefinition } from '../types.js';

/** A prompt compiled for rendering. */
export interface CompiledPrompt {
  id: string;
  render(test: TestCase): { messages: ChatMessage[]; prompt: string };
  /** The prompt's tools, sent as they are (never rendered: a schema is data, not a template). */
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
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

/** Compiles a resolved prompt. Throws TEMPLATE_ERROR naming the prompt and line on a syntax error. */
export function compilePrompt(prompt: ResolvedPrompt): CompiledPrompt {
  const compiled = compileText(prompt);
  if (prompt.tools) compiled.tools = prompt.tools;
  if (prompt.toolChoice !== undefined) compiled.toolChoice = prompt.toolChoice;
  return compiled;
}

function compileText(prompt: ResolvedPrompt): CompiledPrompt {
  if (prompt.messages) {
    const parts = prompt.messages.map((m, i) => ({
      role: m.role,
      template: compile(m.content, prompt, ` (message ${i + 1}, ${m.role})`),
    }));
    return {
      id: prompt.id,
      render(test) {
        const messages = parts.map((p, i) => ({
          role: p.role,
          content: renderOne(p.template, test, prompt, ` (message ${i + 1}, ${p.role})`),
        }));
        return { messages, prompt: messages.map((m) => m.content).join('\n\n') };
      },
    };
  }
  const template = compile(prompt.template ?? '', prompt, '');
  return {
    id: prompt.id,
    render(test) {
      const text = renderOne(template, test, prompt, '');
      return { messages: [{ role: 'user', content: text }], prompt: text };
    },
  };
}

function renderOne(template: nunjucks.Template, test: TestCase, prompt: ResolvedPrompt, part: string): string {
  try {
    return template.render(test.vars);
  } catch (error) {
    throw templateError(error, prompt, part, test);
  }
}
