/** Tests and their assertions, and the metric plugin contract. Part of src/types.ts, which re-exports every part. */
import type { ChatMessage, GenerateResult, JsonSchema, StructuredOutput, ToolDefinition } from './model-call.js';
import type { AttackPlan } from './attack.js';
import type { MediaLimits, MediaRef } from './media.js';

/** One assertion of a test, after resolution. */
export interface Assertion {
  /** Metric id without the `not-` prefix. */
  type: string;
  /** True when written as `not-<type>`: the verdict is inverted. */
  negate: boolean;
  value?: unknown;
  /** Weight in the test's score; default 1. */
  weight: number;
  /** For scored metrics: pass when score >= threshold. */
  threshold?: number;
  /** Name to report this assertion under; defaults to the type as written. */
  metric: string;
  /** Where the assertion is written (file, 1-based line and column), for errors found when it is prepared. */
  source?: { file: string; line?: number; col?: number };
  /** Steps that turn the output into the string the metric sees, in order; the cell keeps the raw output. */
  transform?: TransformStep[];
  /** For model-graded metrics: which grader and embedder answer, and how often the judge is asked. */
  judge?: AssertionJudge;
  /** What the metric needs from the model call besides the text (copied from its plugin's `needs`). */
  needs?: MetricNeeds;
}

/** What a metric reads from the model call besides the text, so the engine asks the provider for it. */
export interface MetricNeeds {
  /** The output's token log-probabilities (`GenerateResult.logprobs`): the request then sets `logprobs`. */
  logprobs?: boolean;
}

/**
 * The judges of one model-graded assertion, resolved from assertion > defaultTest > suite > llmlab.config.yaml.
 * `grader` and `embedder` are keys of the suite's `graders` (one instance per distinct provider spec).
 */
export interface AssertionJudge {
  grader?: string;
  embedder?: string;
  /** Judge rounds per graded output (`graderRepeat`; 1 for metrics that do not repeat). */
  repeat: number;
  /** Model calls (grader and embedder) this assertion makes per graded output, all rounds together. */
  calls: number;
  /** Comparative metrics (select-best): `calls` are made once per group of outputs of one test, not per output. */
  perGroup?: boolean;
}

/** A transform step without arguments. */
export type SimpleTransformStep =
  | 'last-number'
  | 'answer-letter'
  | 'trim'
  | 'lowercase'
  | 'uppercase'
  | 'strip-punctuation'
  | 'strip-commas'
  | 'normalize-whitespace';

/**
 * One step of an assertion's `transform`. A `regex` step keeps one capture group of one match; `last-number`
 * and `answer-letter` extract; the rest normalise. An extracting step that finds nothing fails the assertion,
 * unless it has a `fallback`, which then becomes the text.
 */
export type TransformStep =
  | SimpleTransformStep
  | { regex: string; group?: number | 'any'; select?: 'first' | 'last'; flags?: string; fallback?: string }
  | { 'last-number': { fallback?: string } }
  | { 'answer-letter': { fallback?: string } }
  /** JavaScript over `output` and `context` ({ vars, prompt }): one line an expression, several a function body. */
  | { javascript: string };

/** One test case after resolution. */
export interface TestCase {
  /**
   * Stable identity across runs: the `id` the user gave, else a hash of description + vars (with an occurrence
   * suffix for exact duplicates). Comparisons match tests by this, never by position.
   */
  id: string;
  /** Position in the suite, for display and ordering only. */
  index: number;
  description?: string;
  vars: Record<string, unknown>;
  assert: Assertion[];
  /** Tests sharing a cluster are not independent (clustered standard errors). */
  cluster?: string;
  metadata?: Record<string, unknown>;
  /** Set by benchmark adapters for the loglikelihood protocol: each cell scores these instead of generating. */
  continuations?: string[];
  /** Security attack tests only: what to send to the suite's target (see src/attacks/). */
  attack?: AttackPlan;
}

/**
 * What a metric sees. `value` is what `prepare` returned (or the raw YAML value); `corpus` what its `corpus` hook
 * returned for the run.
 */
export interface MetricInput<P = unknown, C = unknown> {
  output: string;
  value: P;
  vars: Record<string, unknown>;
  test: TestCase;
  /** The rendered prompt. */
  prompt: string;
  result: GenerateResult;
  providerId: string;
  /**
   * The functions the cell's prompt let the model call (its `tools:`), when it declared any; the calls the model
   * made are in `result.toolCalls`.
   */
  tools?: ToolDefinition[];
  /** Model-graded metrics only: the assertion's grader and embedder, called through the engine. */
  judge?: Judge;
  /** Metrics with a `corpus` hook: its result over the run's assertions; absent outside a run. */
  corpus?: C;
  /**
   * The media of the cell's rendered prompt (its messages' image and audio parts), in order; absent when it has
   * none. A vision grader is shown them beside `result.media` (src/metrics/judge-media.ts).
   */
  promptMedia?: MediaRef[];
}

/** What a model-graded metric asks its grader: chat messages, usually with a structured answer. */
export interface JudgeRequest {
  messages: ChatMessage[];
  structured?: StructuredOutput;
  /** 0-based judge round (graderRepeat); each round is a distinct, separately cached call. */
  round?: number;
}

/**
 * The engine's judge for one assertion on one output. Calls go through the same path as generation calls:
 * response cache, rate limit, global concurrency, timeout and retries. A call that fails after its retries
 * rejects, and the assertion is then an error.
 */
export interface Judge {
  /** Asks the grader. */
  generate(request: JudgeRequest): Promise<GenerateResult>;
  /** Embeds texts with the embedder (the assertion's grader when it sets one); one vector per text. */
  embed(texts: string[]): Promise<number[][]>;
  /** Judge rounds to run (graderRepeat). */
  repeat: number;
  /**
   * The media the grader accepts in a request (its provider's `media`); absent = text only, and a judge of a cell
   * with media then sees only their placeholders (`[image: cat.png]`).
   */
  media?: MediaLimits;
}

/** A metric's verdict. `score` defaults to 1 for pass and 0 for fail. */
export interface MetricScore {
  pass: boolean;
  score?: number;
  reason?: string;
  /** Model-graded metrics: each judge round's verdict, in round order (graderRepeat > 1 gives several). */
  judgeVerdicts?: boolean[];
}

/** What a model-graded metric needs from the engine, so config and the planner know before anything runs. */
export interface MetricJudgeUse {
  /** Grader calls per judge round; a metric with one needs a `grader`. */
  generate?: number;
  /** Embedder calls per judge round; a metric with one needs an `embedder` (or a `grader`). */
  embed?: number;
  /** False when graderRepeat does not apply (embeddings are deterministic): always one round. Default true. */
  repeats?: boolean;
  /** True for comparative metrics: the calls are made once per group of outputs of one test, not per output. */
  perGroup?: boolean;
}

/** One output of a comparison group (every prompt × provider of one test and repeat), in plan order. */
export interface ComparedOutput {
  output: string;
  prompt: string;
  /** The label of the provider that gave it. */
  provider: string;
  /** The verdicts of the cell's other (non-comparative) assertions on this output. */
  assertions: AssertionResult[];
}

/** What a comparative metric sees: every output of one test and repeat, at once. */
export interface CompareInput<P = unknown> {
  outputs: ComparedOutput[];
  value: P;
  test: TestCase;
  /** Model-graded comparative metrics only: the assertion's grader, called once for the group. */
  judge?: Judge;
}

/** A metric plugin: one file under src/metrics/; usable as an assertion `type`. */
export interface MetricPlugin<V = unknown, P = V, C = unknown> {
  id: string;
  /** JSON Schema of the assertion's `value`. */
  optionsSchema?: JsonSchema;
  /** False for metrics where `not-` makes no sense. Default true. */
  negatable?: boolean;
  /** Set by model-graded metrics: the judge calls they make. The engine then hands `score` a `judge`. */
  judge?: MetricJudgeUse;
  /** What the metric reads from the model call besides the text (token log-probabilities). */
  needs?: MetricNeeds;
  /** Turns the YAML value into what `score` needs, once per assertion (compile a regex, load a module). */
  prepare?(value: V, context: { baseDir: string }): P | Promise<P>;
  /**
   * For metrics whose score depends on the whole suite (cider-d: document frequencies over every test's
   * references): called once per run, after every assertion is prepared, with the prepared value of each
   * assertion of this metric in every test (in test order, a value once per assertion); its result reaches
   * `score` as `corpus`.
   */
  corpus?(values: P[]): C | Promise<C>;
  score(input: MetricInput<P, C>): MetricScore | Promise<MetricScore>;
  /**
   * Set by comparative metrics (select-best, max-score): grades every output of one test and repeat together,
   * one verdict per output in the order given. The engine calls it once all of the group's cells are graded;
   * their `score` is never called.
   */
  compare?(input: CompareInput<P>): MetricScore[] | Promise<MetricScore[]>;
}

/** Authoring helper: returns its argument, typed. */
export function defineMetric<V = unknown, P = V, C = unknown>(plugin: MetricPlugin<V, P, C>): MetricPlugin<V, P, C> {
  return plugin;
}

/** The verdict of one assertion on one output. */
export interface AssertionResult {
  /** The type as written, including a `not-` prefix. */
  type: string;
  metric: string;
  pass: boolean;
  score: number;
  weight: number;
  reason?: string;
  /** Set when the metric itself failed (threw); the cell is then an `error`. */
  error?: string;
  /** USD of this assertion's judge and embedding calls (model-graded metrics); not part of the cell's `cost`. */
  cost?: number;
  /** Each judge round's verdict, for judge agreement (graderRepeat). */
  judgeVerdicts?: boolean[];
  /**
   * Assertions with a `transform` only: the text its metric saw, cut to 200 characters (`…` marks a cut). Absent
   * when the transform found nothing. Repeats vote over it for maj@k.
   */
  extracted?: string;
}
