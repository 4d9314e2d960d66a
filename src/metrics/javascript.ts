/**
 * `javascript`: user code decides. The value is inline code — an expression (`output.length < 200`) or a
 * function body with `return` — or `file:path/to/module.js[:fnName]` (relative to the suite; default export
 * unless a name is given). Code is compiled or loaded once per assertion, never per cell: a run may grade
 * 100,000 cells. It sees `output`, `context` ({ vars, test, prompt, providerId, result, toolCalls }) and `vars`, and returns
 * a boolean, a number (the score; pass when > 0 unless the assertion sets a threshold), or
 * { pass, score?, reason? }, possibly through a promise. An expression that yields a function is called with
 * (output, context), so `(output) => ...` works too. An error thrown while scoring is the assertion's error.
 * Each call has a time limit (5 s; `{ code, timeoutMs }` sets another): a runaway loop fails the assertion.
 */
import { resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { loadModule } from '../load-module.js';
import { defineMetric } from '../types.js';
import type { GenerateResult, MetricScore, TestCase, ToolCall } from '../types.js';
// Loaded for its V8 flag: a regex in inline code falls back to the linear engine instead of backtracking forever.
import './regex-guard.js';
import { callWithTimeLimit, DEFAULT_TIME_LIMIT_MS, mayRunLong } from './time-limit.js';

/** The second argument user code receives. */
export interface JavascriptContext {
  vars: Record<string, unknown>;
  test: TestCase;
  prompt: string;
  providerId: string;
  result: GenerateResult;
  /** The tools the model called (`result.toolCalls`), [] when none: `context.toolCalls[0]?.name === 'get_weather'`. */
  toolCalls: ToolCall[];
}

type Check = (output: string, context: JavascriptContext, vars: Record<string, unknown>) => unknown;

interface Prepared {
  check: Check;
  /** How reasons and errors name the code: the expression, or the file and export. */
  label: string;
  /** Longest a call may run (and its promise take to settle). */
  timeoutMs: number;
  /** Inline code that cannot run long (no loop, function or eval): called without the watchdog. */
  straight?: boolean;
}

/** The assertion's value: the code alone, or the code with its own time limit. */
type JavascriptValue = string | { code: string; timeoutMs?: number };

const PARAMS = ['output', 'context', 'vars'];
const AsyncFunction = (async () => {}).constructor as FunctionConstructor;
const FILE_REF = /^(.*?)(?::([A-Za-z_$][\w$]*))?$/;
const LABEL_MAX = 60;

function labelOf(code: string): string {
  const line = code.replace(/\s+/g, ' ').trim();
  return `\`${line.length > LABEL_MAX ? `${line.slice(0, LABEL_MAX)}…` : line}\``;
}

/** Expression first, then function body: `"return" in a string` stays an expression, `{ pass: true }` an object. */
function compileInline(code: string): Omit<Prepared, 'timeoutMs'> {
  const label = labelOf(code);
  const straight = !mayRunLong(code);
  // `await` anywhere (even in a string) just makes the function async, which the scorer handles anyway.
  const Compile = /\bawait\b/.test(code) ? AsyncFunction : Function;
  let expressionError: unknown;
  try {
    // The newline before `)` keeps a trailing `// comment` from swallowing the parenthesis.
    return { check: new Compile(...PARAMS, `return (${code.trim().replace(/;+$/, '')}\n);`) as Check, label, straight };
  } catch (error) {
    expressionError = error;
  }
  try {
    return { check: new Compile(...PARAMS, code) as Check, label, straight };
  } catch (bodyError) {
    const error = /\breturn\b/.test(code) ? bodyError : expressionError;
    throw new LlmlabError('CONFIG_INVALID', `javascript ${label} does not compile: ${(error as Error).message}`, {
      hint:
        'write an expression, e.g. output.includes("refund"), or a function body that returns, e.g. ' +
        'const words = output.split(" "); return words.length < 50',
      cause: error,
    });
  }
}

async function loadFile(ref: string, baseDir: string): Promise<Omit<Prepared, 'timeoutMs'>> {
  const [, path = '', name] = FILE_REF.exec(ref) ?? [];
  const label = `${path}${name ? `:${name}` : ''}`;
  if (path === '') {
    throw new LlmlabError('CONFIG_INVALID', 'javascript `file:` needs a module path', {
      hint: 'e.g. value: file:checks/polite.js or file:checks/polite.js:isPolite',
    });
  }
  const namespace = (await loadModule(resolve(baseDir, path))) as Record<string, unknown>;
  const fn = namespace[name ?? 'default'];
  if (typeof fn !== 'function') {
    const functions = Object.keys(namespace).filter((key) => typeof namespace[key] === 'function');
    throw new LlmlabError(
      'CONFIG_INVALID',
      `javascript module ${path} has no ${name ? `export named ${name}` : 'default export'} that is a function`,
      {
        hint: functions.length
          ? `name one of its function exports: ${functions.map((key) => `file:${path}:${key}`).join(', ')}`
          : 'export a function (output, context) => boolean | number | { pass, score?, reason? }',
      },
    );
  }
  return { check: (output, context) => fn(output, context), label };
}

/**
 * What user code returned → a MetricScore: a boolean, a finite number (score; pass when > 0) or
 * { pass?, score?, reason? }. Anything else is a METRIC_ERROR naming `label`. Shared with user metrics.
 */
export function verdict(returned: unknown, label: string): MetricScore {
  if (typeof returned === 'boolean') return { pass: returned, reason: `${label} returned ${returned}` };
  if (typeof returned === 'number' && Number.isFinite(returned)) {
    return { pass: returned > 0, score: returned, reason: `${label} returned ${returned}` };
  }
  if (typeof returned === 'object' && returned !== null) {
    const { pass, score, reason } = returned as Record<string, unknown>;
    const scored = typeof score === 'number' && Number.isFinite(score);
    if (typeof pass === 'boolean' || scored) {
      const described = scored ? `score ${score as number}` : `pass: ${String(pass)}`;
      return {
        pass: typeof pass === 'boolean' ? pass : (score as number) > 0,
        ...(scored ? { score: score as number } : {}),
        reason: typeof reason === 'string' ? reason : `${label} returned ${described}`,
      };
    }
  }
  const hint = returned === undefined ? ' (a function body needs a `return`)' : '';
  throw new LlmlabError(
    'METRIC_ERROR',
    `javascript ${label} returned ${show(returned)}${hint}; expected a boolean, a number or { pass, score?, reason? }`,
  );
}

function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX)}…` : text;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

const CODE_DESCRIPTION =
  'Inline JavaScript (an expression such as `output.length < 200`, or a function body with `return`) over ' +
  '`output`, `context` and `vars`, or `file:path/to/module.js[:exportName]`. Returns a boolean, a score, or ' +
  '{ pass, score?, reason? }.';

export default defineMetric<JavascriptValue, Prepared>({
  id: 'javascript',
  optionsSchema: {
    description: `${CODE_DESCRIPTION} Or { code, timeoutMs } to change the time limit (default ${DEFAULT_TIME_LIMIT_MS} ms).`,
    oneOf: [
      { type: 'string', minLength: 1, description: CODE_DESCRIPTION },
      {
        type: 'object',
        additionalProperties: false,
        required: ['code'],
        properties: {
          code: { type: 'string', minLength: 1, description: CODE_DESCRIPTION },
          timeoutMs: {
            type: 'integer',
            minimum: 0,
            maximum: 600_000,
            description:
              `longest a call may run, in ms; over it the assertion fails (default ${DEFAULT_TIME_LIMIT_MS}). 0 turns ` +
              'the limit off, saving its watchdog (about 0.1 ms per cell) on very large cached runs',
          },
        },
      },
    ],
  },
  prepare: async (value, { baseDir }) => {
    const code = typeof value === 'object' && value !== null ? value.code : value;
    const timeoutMs = typeof value === 'object' && value !== null ? value.timeoutMs ?? DEFAULT_TIME_LIMIT_MS : DEFAULT_TIME_LIMIT_MS;
    if (typeof code !== 'string' || code.trim() === '') {
      throw new LlmlabError('CONFIG_INVALID', 'javascript needs code or a `file:` module as its `value`', {
        hint: 'e.g. { type: javascript, value: "output.length < 200" }',
      });
    }
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
      throw new LlmlabError('CONFIG_INVALID', `javascript timeoutMs must be an integer number of ms (0: no limit), not ${String(timeoutMs)}`, {
        hint: 'e.g. { type: javascript, value: { code: "output.length < 200", timeoutMs: 1000 } }',
      });
    }
    const prepared = code.startsWith('file:') ? await loadFile(code.slice('file:'.length), baseDir) : compileInline(code);
    return { ...prepared, timeoutMs };
  },
  score: ({ output, value, vars, test, prompt, providerId, result }) => {
    const context: JavascriptContext = { vars, test, prompt, providerId, result, toolCalls: result.toolCalls ?? [] };
    const { check, label, timeoutMs, straight } = value;
    const run = () => {
      const first = check(output, context, vars);
      // An expression may evaluate to a function, e.g. `(output, context) => output.length < 200`.
      return typeof first === 'function' ? (first as Check)(output, context, vars) : first;
    };
    const returned = timeoutMs === 0 || straight ? run() : callWithTimeLimit(run, timeoutMs, `javascript ${label}`);
    return isThenable(returned)
      ? Promise.resolve(returned).then((settled) => verdict(settled, label))
      : verdict(returned, label);
  },
});
