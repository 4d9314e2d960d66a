/**
 * Assertion transforms: the extraction filters of lm-evaluation-harness. An assertion's `transform` steps turn
 * the model output into the string its metric sees — e.g. GSM8K "strict" (`regex: "#### (\-?[0-9\.\,]+)"`) or
 * "flexible" (`last-number`) extraction. Steps are compiled once per assertion (regexes included), then applied
 * to every cell. An extracting step that finds nothing stops the chain with a reason, unless it has a
 * `fallback`, which becomes the text (lm-eval's "[invalid]"). A `{ javascript }` step (promptfoo's transform)
 * runs suite code over the text and its context: see transform-javascript.ts.
 */
import { LlmlabError } from '../errors.js';
import { lastNumber } from './number-extract.js';
import { regexGuard, type RegexGuard } from './regex-guard.js';
import { answerLetter } from './answer-letter.js';
import { compileJavascriptStep } from './transform-javascript.js';
import type { TransformContext, TransformModules } from './transform-javascript.js';
import type { SimpleTransformStep, TransformStep } from '../types.js';

export type { TransformContext, TransformModules } from './transform-javascript.js';
export { loadTransformModules } from './transform-javascript.js';

/** The text a metric should see, or why there is none. */
export type TransformOutcome = { ok: true; text: string } | { ok: false; reason: string };

/**
 * A compiled transform: apply it to each output. `context` is what a JavaScript step sees besides the text (empty
 * vars and prompt when not given). A JavaScript step that throws throws METRIC_ERROR: the assertion's error.
 */
export type Transform = (output: string, context?: TransformContext) => TransformOutcome;

/**
 * A step that cannot be compiled. `path` points into the transform list (`[1, 'regex']`) so the config loader
 * can name the line and column.
 */
export class TransformStepError extends LlmlabError {
  constructor(
    readonly path: (string | number)[],
    message: string,
    hint?: string,
  ) {
    super('CONFIG_INVALID', message, hint === undefined ? {} : { hint });
  }
}

type Step = (text: string, context: TransformContext) => TransformOutcome;

const SHOWN = 40;
const ALLOWED_FLAGS = /^[imsu]*$/;

const ok = (text: string): TransformOutcome => ({ ok: true, text });

const THOUSANDS_COMMA = /(?<=\d),(?=\d{3}(?!\d))/g;
const PUNCTUATION = /\p{P}/gu;
const WHITESPACE = /\s+/g;

const SIMPLE: Record<SimpleTransformStep, Step> = {
  'last-number': (text) => numberOf(text, undefined),
  'answer-letter': (text) => letterOf(text, undefined),
  trim: (text) => ok(text.trim()),
  lowercase: (text) => ok(text.toLowerCase()),
  uppercase: (text) => ok(text.toUpperCase()),
  'strip-punctuation': (text) => ok(text.replace(PUNCTUATION, '')),
  'strip-commas': (text) => ok(text.replace(THOUSANDS_COMMA, '')),
  'normalize-whitespace': (text) => ok(text.replace(WHITESPACE, ' ').trim()),
};

/** Every step name written as a bare string. */
export const SIMPLE_TRANSFORM_STEPS = Object.keys(SIMPLE) as SimpleTransformStep[];

/**
 * Compiles the steps, in order. Throws {@link TransformStepError} for a step that cannot work. `modules` holds
 * the functions of `file:` JavaScript steps (loadTransformModules); without them such a step only validates.
 */
export function compileTransform(steps: readonly TransformStep[], modules?: TransformModules): Transform {
  const compiled = steps.map((step, index) => compileStep(step, index, modules));
  return (output, context = NO_CONTEXT) => {
    let text = output;
    for (const step of compiled) {
      const outcome = step(text, context);
      if (!outcome.ok) return outcome;
      text = outcome.text;
    }
    return ok(text);
  };
}

/** A value shortened for reasons. */
export function showText(text: string): string {
  return JSON.stringify(text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text);
}

function compileStep(step: TransformStep, index: number, modules: TransformModules | undefined): Step {
  if (typeof step === 'string') {
    const simple = Object.hasOwn(SIMPLE, step) ? SIMPLE[step] : undefined;
    if (!simple) throw new TransformStepError([index], `unknown transform step \`${String(step)}\``);
    return simple;
  }
  if ('regex' in step) return compileRegex(step, index);
  if ('javascript' in step) return compileJavascript(step.javascript, index, modules);
  if ('last-number' in step) {
    const fallback = step['last-number'].fallback;
    return (text) => numberOf(text, fallback);
  }
  const fallback = step['answer-letter'].fallback;
  return (text) => letterOf(text, fallback);
}

const NO_CONTEXT: TransformContext = { vars: {}, prompt: '' };

function compileJavascript(code: string, index: number, modules: TransformModules | undefined): Step {
  try {
    return compileJavascriptStep(code, modules);
  } catch (error) {
    if (!(error instanceof LlmlabError)) throw error;
    throw new TransformStepError([index, 'javascript'], error.message, error.hint);
  }
}

function compileRegex(step: Extract<TransformStep, { regex: string }>, index: number): Step {
  const flags = step.flags ?? '';
  if (!ALLOWED_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
    throw new TransformStepError([index, 'flags'], `invalid regex flags \`${flags}\``, 'use any of i, m, s, u, once each');
  }
  let pattern: RegExp;
  try {
    new RegExp(step.regex, flags); // for an error message that shows the user's flags, not our `g`
    pattern = new RegExp(step.regex, `${flags}g`);
  } catch (error) {
    throw new TransformStepError(
      [index, 'regex'],
      `invalid regex: ${(error as Error).message}`,
      'in YAML double quotes a backslash must be doubled ("\\\\d+"); single quotes keep it as written (\'\\d+\')',
    );
  }
  // Capture groups counted by matching the pattern made to match the empty string.
  const groups = (new RegExp(`${step.regex}|`, flags).exec('')?.length ?? 1) - 1;
  const label = `/${step.regex}/${flags}`;
  const last = step.select === 'last';
  const guard = regexGuard(pattern, label);
  if (step.group === 'any') {
    // lm-eval's regex filter: pick the match first, then its first non-empty group (Python findall tuples).
    return guarded(guard, (text) => {
      const match = selectMatch(pattern, text, last);
      const value = match && pythonFindallItem(match, groups);
      if (value !== undefined) return ok(value);
      return missing(match ? `no group of ${label} matched text in ${showText(text)}` : `no match for ${label} in ${showText(text)}`, step.fallback);
    });
  }
  const group = step.group ?? (groups > 0 ? 1 : 0);
  if (group > groups) {
    const has = groups === 0 ? 'no capture groups' : `${groups} capture group${groups === 1 ? '' : 's'}`;
    throw new TransformStepError([index, step.group === undefined ? 'regex' : 'group'], `the regex has ${has}; cannot keep group ${group}`, 'use group: 0 for the whole match');
  }
  return guarded(guard, (text) => {
    let found: string | undefined;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      if (m[0] === '') pattern.lastIndex++; // an empty match would loop forever
      const value = m[group];
      // A group inside an alternative that did not match is no match at all.
      if (value === undefined) continue;
      found = value;
      if (!last) break;
    }
    if (found !== undefined) return ok(found);
    return missing(`no match for ${label} in ${showText(text)}`, step.fallback);
  });
}

/**
 * A regex step under its guard: a match that backtracks away fails the step with the timeout as its reason (no
 * fallback: the text was not examined). One guarded call per step, not per match, keeps the watchdog's cost low.
 */
function guarded(guard: RegexGuard, step: Step): Step {
  return (text, context) => {
    try {
      return guard(() => step(text, context));
    } catch (error) {
      if (error instanceof LlmlabError && error.code === 'METRIC_ERROR') return { ok: false, reason: error.message };
      throw error;
    }
  };
}

/**
 * What lm-eval's regex filter keeps of one `re.findall` item: the whole match (no groups), the group even when
 * empty (one group), else the first non-empty group of the tuple (undefined when all are empty).
 */
function pythonFindallItem(match: RegExpExecArray, groups: number): string | undefined {
  if (groups === 0) return match[0];
  if (groups === 1) return match[1] ?? '';
  return match.slice(1).find((g) => g !== undefined && g !== '');
}

/** The first or last match of a global pattern, every match counted (as Python's `re.findall` lists them). */
function selectMatch(pattern: RegExp, text: string, last: boolean): RegExpExecArray | undefined {
  let selected: RegExpExecArray | undefined;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match[0] === '') pattern.lastIndex++;
    selected = match;
    if (!last) break;
  }
  return selected;
}

function numberOf(text: string, fallback: string | undefined): TransformOutcome {
  const found = lastNumber(text);
  // String(value): "$1,234.50" → "1234.5", so an `equals` on the canonical number works.
  return found ? ok(String(found.value)) : missing(`no match for a number in ${showText(text)}`, fallback);
}

function letterOf(text: string, fallback: string | undefined): TransformOutcome {
  const letter = answerLetter(text);
  return letter ? ok(letter) : missing(`no match for an answer letter (A–J) in ${showText(text)}`, fallback);
}

function missing(reason: string, fallback: string | undefined): TransformOutcome {
  return fallback === undefined ? { ok: false, reason } : ok(fallback);
}
