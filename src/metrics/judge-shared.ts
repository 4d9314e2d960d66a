/**
 * What the model-graded metrics share: the judge prompt, asking the judge for a structured answer and validating
 * it (a malformed answer throws, so the assertion is an error and never a pass), judge rounds folded into one
 * verdict (graderRepeat), cosine similarity, and the context block of a judge prompt. Each metric file keeps its
 * own instructions, answer schema and reading of the answer. Not a metric itself.
 */
import type { ValidateFunction } from 'ajv';
import { LlmlabError } from '../errors.js';
import type { ChatMessage, Judge, JudgeRequest, JsonSchema, MetricInput, MetricScore, StructuredOutput } from '../types.js';
import { isMediaRef, mediaPlaceholder } from '../types.js';
import { compileJsonSchema, describeSchemaErrors } from './json-schema.js';
import { judgedMedia, showMedia, unseenNote } from './judge-media.js';

const SHOWN = 200;
const REASON_SHOWN = 80;

/** The judge the engine handed a model-graded metric; an error when there is none (no grader configured). */
export function judgeOf(input: { judge?: Judge }, id: string): Judge {
  if (input.judge) return input.judge;
  throw new LlmlabError('METRIC_ERROR', `${id} needs a grader, and none was given`, {
    hint: 'set `grader:` (and `embedder:` for embedding metrics) in the suite or llmlab.config.yaml',
  });
}

/** A JSON Schema compiled once, on first use. */
function lazyValidator(id: string, schema: JsonSchema): () => ValidateFunction {
  let validate: ValidateFunction | undefined;
  return () => (validate ??= compileJsonSchema(id, schema));
}

/**
 * Asks the judge for an object matching `validate`'s schema. Not JSON, or not matching, throws METRIC_ERROR
 * naming what was wrong and quoting the answer.
 */
async function askStructured<T>(judge: Judge, request: JudgeRequest, validate: ValidateFunction): Promise<T> {
  const result = await judge.generate(request);
  const text = result.output.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LlmlabError('METRIC_ERROR', `the grader's answer is not JSON: ${quote(text)}`, {
      hint: 'use a grader that supports tool calls or JSON-schema output (openai, anthropic, ollama), or script valid JSON for a mock grader',
    });
  }
  if (!validate(parsed)) {
    throw new LlmlabError('METRIC_ERROR', `the grader's answer does not match its schema (${describeSchemaErrors(validate.errors ?? [])}): ${quote(text)}`);
  }
  return parsed as T;
}

/**
 * The schema of a judge's answer: an object with exactly `properties`, every one required (in their order), so a
 * partial or padded answer is an error rather than a verdict.
 */
export function answerSchema(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}

/** The `reason` field of a judge's answer, the same in every answer schema that has one. */
export const REASON_PROPERTY: JsonSchema = { type: 'string', description: 'one or two sentences on why' };

/** A judge prompt: the metric's instructions as the system message, what to judge as the user message. */
export function judgeMessages(system: string, user: string): ChatMessage[] {
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/**
 * Grades with the assertion's judge: `messages` asked once per graderRepeat round, the answer forced through
 * `tool` and validated against its schema, each answer turned into that round's verdict by `verdict`.
 */
export type StructuredGrade<A> = (
  input: MetricInput<unknown>,
  messages: ChatMessage[],
  verdict: (answer: A, judge: Judge, round: number) => RoundVerdict | Promise<RoundVerdict>,
) => Promise<MetricScore>;

/**
 * The grading loop of a metric `id` whose judge answers through `tool`; `label` names its schema in the error of
 * a schema that does not compile. The schema is compiled once, on first use. Fails (METRIC_ERROR) without a grader.
 * With `media`, the judge's first question also shows the cell's media (./judge-media.ts): a vision grader sees
 * them, and the reason says which media a text-only grader judged without seeing.
 */
export function structuredGrade<A>(id: string, label: string, tool: StructuredOutput, options: { media?: boolean } = {}): StructuredGrade<A> {
  const validator = lazyValidator(label, tool.schema);
  return async (input, written, verdict) => {
    const judge = judgeOf(input, id);
    const { messages, unseen } = options.media ? showMedia(written, judgedMedia(input), judge.media) : { messages: written, unseen: [] };
    const score = await judgeRounds(judge, async (round) => {
      const answer = await askStructured<A>(judge, { messages, structured: tool, round }, validator());
      return verdict(answer, judge, round);
    });
    return unseen.length === 0 ? score : { ...score, reason: `${score.reason} ${unseenNote(unseen, judge.media)}` };
  };
}

/**
 * One more structured question within a judge round, for metrics that ask twice per round (g-eval's steps then
 * score, context-faithfulness's claims then verdicts): answered through `tool`, validated like the first.
 */
export type StructuredAsk<A> = (judge: Judge, messages: ChatMessage[], round: number) => Promise<A>;

/** A {@link StructuredAsk} for `tool`, whose schema (named `label` in errors) is compiled once, on first use. */
export function structuredAsk<A>(label: string, tool: StructuredOutput): StructuredAsk<A> {
  const validator = lazyValidator(label, tool.schema);
  return (judge, messages, round) => askStructured<A>(judge, { messages, structured: tool, round }, validator());
}

/** One judge round's verdict. */
export interface RoundVerdict {
  pass: boolean;
  score: number;
  reason: string;
}

/**
 * Runs `judge.repeat` rounds and folds them: pass by majority (a tie fails), score the mean, the reason each
 * round's verdict in brief. One round is passed through as is. Every round's verdict is kept for agreement.
 */
async function judgeRounds(judge: Judge, round: (index: number) => Promise<RoundVerdict>): Promise<MetricScore> {
  const count = Math.max(1, judge.repeat);
  const verdicts = await Promise.all(Array.from({ length: count }, (_, i) => round(i)));
  const judgeVerdicts = verdicts.map((v) => v.pass);
  if (verdicts.length === 1) return { ...verdicts[0]!, judgeVerdicts };
  const passes = judgeVerdicts.filter(Boolean).length;
  const pass = passes * 2 > count;
  const score = verdicts.reduce((sum, v) => sum + v.score, 0) / count;
  const rounds = verdicts.map((v) => `${v.pass ? 'pass' : 'fail'} ${v.score.toFixed(2)}: ${brief(v.reason)}`).join('; ');
  const tie = passes * 2 === count ? ', a tie, which fails' : '';
  return { pass, score, reason: `${passes} of ${count} judge rounds passed${tie} (${rounds})`, judgeVerdicts };
}

/** Cosine similarity; 0 when either vector is all zeros or they differ in length. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? 0 : dot / Math.sqrt(aa * bb);
}

/** The task the graded system was given: its rendered prompt and the test's variables, for the judge prompt. */
export function taskContext(input: Pick<MetricInput<unknown>, 'prompt' | 'vars'>): string {
  const vars = Object.entries(input.vars).map(([name, value]) => `${name}: ${typeof value === 'string' ? value : varText(value)}`);
  return [`[Task given to the AI system]\n${input.prompt}`, ...(vars.length > 0 ? [`[Test variables]\n${vars.join('\n')}`] : [])].join('\n\n');
}

/** A var that is not a string, for a judge prompt: JSON, with media as placeholders (never a store path or hash). */
function varText(value: unknown): string {
  if (isMediaRef(value)) return mediaPlaceholder(value);
  return JSON.stringify(value, (_key, item: unknown) => (isMediaRef(item) ? mediaPlaceholder(item) : item));
}

/** The question an answer should address: `query` var, else `question` var, else the rendered prompt. */
export function questionOf(input: Pick<MetricInput<unknown>, 'prompt' | 'vars'>, override?: string): string {
  if (override !== undefined) return override;
  for (const name of ['query', 'question']) {
    const value = input.vars[name];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return input.prompt;
}

/** A text cut for a reason, quoted. */
export function quote(text: string, max = SHOWN): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

function brief(reason: string): string {
  const line = reason.replace(/\s+/g, ' ').trim();
  return line.length > REASON_SHOWN ? `${line.slice(0, REASON_SHOWN)}…` : line;
}

/** Three decimals, for reasons. */
export function fixed3(x: number): string {
  return x.toFixed(3);
}
