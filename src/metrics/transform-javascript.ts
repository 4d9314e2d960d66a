/**
 * The `{ javascript: ... }` transform step: promptfoo's JavaScript `transform`, same trust model as the
 * `javascript` assertion (the suite is trusted code; the time limit guards mistakes, not attacks). `output` (the
 * text so far) and `context` ({ vars, prompt }) are in scope. As in promptfoo, code on one line is an expression
 * and code on several lines a function body that must `return`. A string result is the new text; anything else
 * becomes its JSON, so an object can feed `is-json`, `contains-json` or `equals` on JSON, and a number its
 * decimal text. undefined or null fails the assertion. Compiled once per assertion; each call runs under the
 * 5 s time limit unless the code cannot loop (see time-limit.ts). A throw is the assertion's error.
 * `file:path.js[:name]` (or promptfoo's `file://`) calls a module's function (output, context) instead; the
 * grader loads it before any model call, relative to the suite. Steps are synchronous: no promise results.
 */
import { resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { loadModule } from '../load-module.js';
import type { TransformStep } from '../types.js';
// Loaded for its V8 flag: a regex in inline code falls back to the linear engine instead of backtracking forever.
import './regex-guard.js';
import { callWithTimeLimit, DEFAULT_TIME_LIMIT_MS, mayRunLong } from './time-limit.js';

/** What a JavaScript step sees besides the text. */
export interface TransformContext {
  vars: Record<string, unknown>;
  prompt: string;
}

/** The outcome of one step: the next text, or why there is none. */
export type JavascriptStepOutcome = { ok: true; text: string } | { ok: false; reason: string };

type Code = (output: string, context: TransformContext) => unknown;

/** Functions of `file:` steps, loaded before the transform is compiled: step code → function. */
export type TransformModules = ReadonlyMap<string, Code>;

const FILE_REF = /^file:(?:\/\/)?(.*?)(?::([A-Za-z_$][\w$]*))?$/;

/** True for `file:path.js[:name]` (promptfoo's `file://` too): a module's function instead of inline code. */
export function isFileStep(code: string): boolean {
  return code.trim().startsWith('file:');
}

/**
 * Loads the functions of every `file:` step (default export, or the export named after a `:`), relative to
 * `baseDir`. A missing file, module or export is a config error naming it.
 */
export async function loadTransformModules(steps: readonly TransformStep[], baseDir: string): Promise<TransformModules> {
  const modules = new Map<string, Code>();
  for (const step of steps) {
    if (typeof step !== 'object' || !('javascript' in step) || !isFileStep(step.javascript) || modules.has(step.javascript)) continue;
    const [, path = '', name] = FILE_REF.exec(step.javascript.trim()) ?? [];
    const namespace = (await loadModule(resolve(baseDir, path))) as Record<string, unknown>;
    const fn = namespace[name ?? 'default'];
    if (typeof fn !== 'function') {
      throw new LlmlabError('CONFIG_INVALID', `transform module ${path} has no ${name ? `export named ${name}` : 'default export'} that is a function`, {
        hint: 'export a function (output, context) => the new text, e.g. module.exports = (output) => output.trim()',
      });
    }
    modules.set(step.javascript, fn as Code);
  }
  return modules;
}

const LABEL_MAX = 50;

/** Compiles the step; throws CONFIG_INVALID (with the reason as its message) when the code does not compile. */
export function compileJavascriptStep(
  code: string,
  modules?: TransformModules,
): (text: string, context: TransformContext) => JavascriptStepOutcome {
  const source = code.trim();
  if (isFileStep(source)) return fileStep(code, modules?.get(code));
  const multiline = source.includes('\n');
  let fn: Code;
  try {
    fn = (multiline ? new Function('output', 'context', source) : expressionOrBody(source)) as Code;
  } catch (error) {
    const hint = multiline
      ? 'several lines are a function body: end with `return <the new text>`'
      : 'one line is an expression, e.g. output.trim().toLowerCase() or JSON.parse(output).answer';
    throw new LlmlabError('CONFIG_INVALID', `javascript does not compile: ${(error as Error).message}`, { hint, cause: error });
  }
  return runner(fn, labelOf(source), !mayRunLong(source));
}

/** A `file:` step: its module is loaded beforehand (loadTransformModules); validating a suite needs no load. */
function fileStep(code: string, fn: Code | undefined): (text: string, context: TransformContext) => JavascriptStepOutcome {
  if (fn) return runner(fn, labelOf(code.trim()), false);
  return () => {
    throw new LlmlabError('METRIC_ERROR', `transform ${labelOf(code.trim())} was not loaded`);
  };
}

function runner(fn: Code, label: string, straight: boolean): (text: string, context: TransformContext) => JavascriptStepOutcome {
  return (text, context) => {
    const run = () => fn(text, context);
    let returned: unknown;
    try {
      returned = straight ? run() : callWithTimeLimit(run, DEFAULT_TIME_LIMIT_MS, `transform ${label}`);
    } catch (error) {
      if (error instanceof LlmlabError) throw error;
      throw new LlmlabError('METRIC_ERROR', `transform ${label} threw ${(error as Error)?.name ?? 'an error'}: ${(error as Error)?.message ?? String(error)}`);
    }
    return textOf(returned, label);
  };
}

/** One line is an expression; one that only compiles as a body (`return x;`) is taken as one, not refused. */
function expressionOrBody(source: string): Function {
  try {
    return new Function('output', 'context', `return (${source.replace(/;+$/, '')}\n);`);
  } catch (error) {
    if (!/\breturn\b/.test(source)) throw error;
    return new Function('output', 'context', source);
  }
}

function textOf(returned: unknown, label: string): JavascriptStepOutcome {
  if (typeof returned === 'string') return { ok: true, text: returned };
  if (returned === undefined || returned === null) {
    const hint = returned === undefined ? ' (a function body needs a `return`)' : '';
    return { ok: false, reason: `transform ${label} returned ${String(returned)}${hint}` };
  }
  if (typeof (returned as PromiseLike<unknown>).then === 'function') {
    throw new LlmlabError('METRIC_ERROR', `transform ${label} returned a promise; transforms run synchronously (no await)`);
  }
  try {
    const json = JSON.stringify(returned);
    if (typeof json === 'string') return { ok: true, text: json };
  } catch {
    // a cycle or a BigInt: reported below
  }
  throw new LlmlabError('METRIC_ERROR', `transform ${label} returned a ${typeof returned} that has no JSON form`);
}

function labelOf(code: string): string {
  const line = code.replace(/\s+/g, ' ');
  return `\`${line.length > LABEL_MAX ? `${line.slice(0, LABEL_MAX)}…` : line}\``;
}
