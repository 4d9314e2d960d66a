/**
 * `python`: user Python decides — promptfoo's `type: python`. The value is inline code (one line is an
 * expression, several lines a function body with `return`; `json`, `math` and `re` are imported) or
 * `file:path/to/check.py[:function]` (relative to the suite; default function `get_assert`). The code sees
 * `output` (str) and `context` (dict: prompt, vars, test, providerId, provider, providerResponse, toolCalls,
 * config) and returns a bool, a number (the score; pass when > 0 unless the assertion sets a threshold, as in
 * promptfoo and the `javascript` metric) or a dict {pass (or pass_), score?, reason?}; anything else is an error.
 *
 * One long-lived interpreter serves every cell (./python-worker.ts); `LLMLAB_PYTHON` (else promptfoo's
 * `PROMPTFOO_PYTHON`, else `python3` on PATH) names it. Its environment is exec's rule — PATH, HOME, locale, TZ,
 * TMPDIR — plus Python's own variables (virtualenv, PYTHONPATH, pyenv), never API keys. Each call has a time
 * limit (5 s; `{ code, timeoutMs }` sets another). A timeout, a crash, a missing interpreter or an exception
 * makes the assertion an error naming the cause (an exception: its type, message and line), never a pass.
 * Trust model: the javascript metric's (suite code is trusted; dataset rows may not carry it).
 */
import { resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { defineMetric } from '../types.js';
import type { MetricScore } from '../types.js';
import { PythonWorker } from './python-worker.js';
import type { PythonRequest } from './python-worker.js';
import { DEFAULT_TIME_LIMIT_MS } from './time-limit.js';

/** The assertion's value: the code alone, or with its own time limit and promptfoo's `config`. */
type PythonValue = string | { code: string; timeoutMs?: number; config?: Record<string, unknown> };

interface Prepared {
  /** What the runner runs: inline code, or a file and function. */
  source: Pick<PythonRequest, 'code' | 'file' | 'fn'>;
  label: string;
  timeoutMs: number;
  config: Record<string, unknown>;
  baseDir: string;
  worker: PythonWorker;
}

/** Loading may import heavy libraries (numpy, a tokenizer): it gets longer than one call. */
const LOAD_TIME_LIMIT_MS = 30_000;
const FILE_REF = /^(.*?)(?::([A-Za-z_]\w*))?$/;
const LABEL_MAX = 60;
/**
 * exec's rule (src/providers/exec.ts BASE_ENV, which a metric may not import), plus what selects and sets up an
 * interpreter: a virtualenv or conda env, PYTHONPATH, pyenv's version. Never API keys or tokens.
 */
const PASSED_ENV = [
  'PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR',
  'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT', 'TEMP', 'TMP', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
  'PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV', 'CONDA_PREFIX', 'PYENV_ROOT', 'PYENV_VERSION',
];
const HINT = 'e.g. { type: python, value: "len(output) < 200" } or value: file:checks/grade.py:get_assert';

const workers = new Map<string, PythonWorker>();

/** The worker of the interpreter this environment names; one per interpreter for the whole process. */
export function pythonWorker(env: Readonly<Record<string, string | undefined>> = process.env): PythonWorker {
  const command = env['LLMLAB_PYTHON'] || env['PROMPTFOO_PYTHON'] || 'python3';
  let worker = workers.get(command);
  if (!worker) {
    const passed: Record<string, string> = { PYTHONIOENCODING: 'utf-8' };
    for (const name of PASSED_ENV) if (env[name] !== undefined) passed[name] = env[name]!;
    worker = new PythonWorker(command, passed);
    workers.set(command, worker);
  }
  return worker;
}

function labelOf(code: string): string {
  const line = code.replace(/\s+/g, ' ').trim();
  return `\`${line.length > LABEL_MAX ? `${line.slice(0, LABEL_MAX)}…` : line}\``;
}

function sourceOf(code: string, baseDir: string): { source: Prepared['source']; label: string } {
  if (!code.startsWith('file:')) return { source: { code }, label: labelOf(code) };
  const [, path = '', fn = 'get_assert'] = FILE_REF.exec(code.slice('file:'.length)) ?? [];
  if (path === '') throw new LlmlabError('CONFIG_INVALID', 'python `file:` needs a script path', { hint: 'e.g. value: file:checks/grade.py or file:checks/grade.py:is_polite' });
  return { source: { file: resolve(baseDir, path), fn }, label: `${path}:${fn}` };
}

/** What Python returned → a MetricScore: bool, finite number, or a dict with `pass`/`pass_` and/or `score`. */
export function pythonVerdict(returned: unknown, label: string): MetricScore {
  if (typeof returned === 'boolean') return { pass: returned, reason: `${label} returned ${returned ? 'True' : 'False'}` };
  if (typeof returned === 'number' && Number.isFinite(returned)) {
    return { pass: returned > 0, score: returned, reason: `${label} returned ${returned}` };
  }
  if (typeof returned === 'object' && returned !== null && !Array.isArray(returned)) {
    const record = returned as Record<string, unknown>;
    const pass = record['pass'] ?? record['pass_'];
    const score = record['score'];
    const scored = typeof score === 'number' && Number.isFinite(score);
    if (typeof pass === 'boolean' || scored) {
      const described = scored ? `score ${score as number}` : `pass: ${String(pass)}`;
      const reason = record['reason'];
      return {
        pass: typeof pass === 'boolean' ? pass : (score as number) > 0,
        ...(scored ? { score: score as number } : {}),
        reason: typeof reason === 'string' && reason !== '' ? reason : `${label} returned ${described}`,
      };
    }
  }
  const shown = JSON.stringify(returned) ?? 'None';
  const hint = returned === null || returned === undefined ? ' (a function body needs a `return`)' : '';
  throw new LlmlabError(
    'METRIC_ERROR',
    `python ${label} returned ${shown.length > LABEL_MAX ? `${shown.slice(0, LABEL_MAX)}…` : shown}${hint}; expected a bool, a number or a dict {pass, score?, reason?}`,
  );
}

const CODE_DESCRIPTION =
  'Inline Python (an expression such as `len(output) < 200`, or a function body with `return`) over `output` ' +
  'and `context`, or `file:path/to/check.py[:function]` (default get_assert). Returns a bool, a score, or ' +
  '{pass, score?, reason?}.';

export default defineMetric<PythonValue, Prepared>({
  id: 'python',
  optionsSchema: {
    description: `${CODE_DESCRIPTION} Or { code, timeoutMs?, config? } (time limit default ${DEFAULT_TIME_LIMIT_MS} ms).`,
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
            description: `longest a call may run, in ms; over it the assertion is an error (default ${DEFAULT_TIME_LIMIT_MS}; 0: no limit)`,
          },
          config: { type: 'object', description: "promptfoo's assertion `config`: handed to the code as context['config']" },
        },
      },
    ],
  },
  prepare: async (value, { baseDir }) => {
    const object = typeof value === 'object' && value !== null ? value : undefined;
    const code = object ? object.code : value;
    const timeoutMs = object?.timeoutMs ?? DEFAULT_TIME_LIMIT_MS;
    if (typeof code !== 'string' || code.trim() === '') {
      throw new LlmlabError('CONFIG_INVALID', 'python needs code or a `file:` script as its `value`', { hint: HINT });
    }
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
      throw new LlmlabError('CONFIG_INVALID', `python timeoutMs must be an integer number of ms (0: no limit), not ${String(timeoutMs)}`, { hint: HINT });
    }
    const { source, label } = sourceOf(code, baseDir);
    const worker = pythonWorker();
    try {
      // Compiles the code or imports the file now, so a mistake stops the run before any model call.
      await worker.request({ op: 'load', ...source }, Math.max(timeoutMs, LOAD_TIME_LIMIT_MS), label);
    } catch (error) {
      if (!(error instanceof LlmlabError)) throw error;
      throw new LlmlabError('CONFIG_INVALID', error.message, { hint: error.hint ?? HINT, cause: error });
    }
    return { source, label, timeoutMs, config: object?.config ?? {}, baseDir, worker };
  },
  score: async ({ output, value, vars, test, prompt, providerId, result }) => {
    const { source, label, timeoutMs, config, baseDir, worker } = value;
    const context = { prompt, vars, test, providerId, provider: { id: providerId }, providerResponse: result, toolCalls: result.toolCalls ?? [], config };
    const returned = await worker.request({ op: 'call', ...source, output, context, cwd: baseDir }, timeoutMs, label);
    return pythonVerdict(returned, label);
  },
});

