/**
 * Shared domain types. This file imports nothing but its security vocabulary (./attack-types.ts, itself a leaf),
 * so every layer (and every plugin) can depend on it.
 * The vocabulary: a suite is providers × prompts × tests (× repeat); each combination is a cell; a cell is one
 * model call (`generate`) whose output is graded by the test's assertions (metrics).
 */
import type { AttackPlan, AttackRecord } from './attack-types.js';

export { SEVERITIES, severityRank } from './attack-types.js';
export type { AttackInfo, AttackPlan, AttackRecord, AttackRewrite, AttackTurns, Severity } from './attack-types.js';

/** A JSON Schema object (2020-12), as used for plugin options. */
export type JsonSchema = Record<string, unknown>;

/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Token counts of one call. */
export interface TokenUsage {
  input: number;
  output: number;
  total: number;
  /** Input tokens the provider served from its own prompt cache, when it says so. */
  cachedInput?: number;
}

/** What a provider is asked to do: one model call. */
export interface GenerateRequest {
  /** The rendered prompt as chat messages (a plain template becomes one user message). */
  messages: ChatMessage[];
  /** The rendered prompt as one string, for text-in/text-out providers (exec, http, echo). */
  prompt: string;
  /** The test's variables, for providers that template their own request (http). */
  vars: Record<string, unknown>;
  /** 0-based repeat index; distinct repeats are distinct calls even at temperature 0. */
  repeatIndex: number;
  /**
   * Ask for one JSON object matching `schema` instead of free text (a judge's verdict): a forced tool call on
   * openai and anthropic, `format` on ollama. The result's `output` is then the object's JSON text. Providers
   * that cannot do this ignore it, and whoever asked fails to parse the answer.
   */
  structured?: StructuredOutput;
  /**
   * Loglikelihood protocol (multiple-choice benchmarks): score each of these continuations of `prompt` instead of
   * generating. Only providers with `scoresContinuations` accept it; their `output` is then
   * {@link ContinuationScores} as JSON, so the answer caches and reports like any other.
   */
  continuations?: string[];
}

/** A loglikelihood answer (the `output` of a `continuations` request, as JSON): one entry per continuation, in order. */
export interface ContinuationScores {
  scores: Array<{
    /** Sum of the continuation's token log-probabilities given the prompt. */
    logprob: number;
    /** True when every continuation token was the model's most likely token. */
    greedy?: boolean;
    /** Tokens in the continuation. */
    tokens?: number;
  }>;
}

/** A JSON object the model must answer with, described as a tool/function the model is made to call. */
export interface StructuredOutput {
  /** Tool (function) name: letters, digits, `_` and `-`. */
  name: string;
  description?: string;
  /** JSON Schema of the object (type object). */
  schema: JsonSchema;
}

/** The answer of one embeddings call: one vector per input text, in input order. */
export interface EmbedResult {
  embeddings: number[][];
  usage?: TokenUsage;
  /** USD. */
  cost?: number;
}

/** Per-call context from the executor. */
export interface GenerateContext {
  /** Aborted on timeout or when the run is cancelled; pass it to the SDK. */
  signal: AbortSignal;
}

/** The answer of one model call. The engine fills `latencyMs` and `cost` when the provider leaves them out. */
export interface GenerateResult {
  output: string;
  usage?: TokenUsage;
  /** Normalised: `stop`, `length`, `tool_calls`, `content_filter`, or the provider's own word. */
  finishReason?: string;
  latencyMs?: number;
  /** USD. */
  cost?: number;
  /** The model that answered, when the API reports it. */
  model?: string;
  /** The provider's raw response body (kept small; never includes request headers). */
  raw?: unknown;
}

/** A live provider instance for one `providers:` entry. */
export interface Provider {
  /** The id as written in the suite, e.g. `openai:gpt-4o-mini`. */
  readonly id: string;
  /** Registry id (`openai`). */
  readonly type: string;
  readonly model: string;
  /**
   * Everything besides the request that can change the answer: base URL, model, parameters. Goes into the
   * cache key. Never includes API keys.
   */
  readonly identity: Record<string, unknown>;
  generate(request: GenerateRequest, context: GenerateContext): Promise<GenerateResult>;
  /** Embeds texts (optional capability: `similar`, `answer-relevance`). */
  embed?(texts: string[], context: GenerateContext): Promise<EmbedResult>;
  /** True when `generate` can score `continuations` from token log-probabilities (loglikelihood protocol). */
  readonly scoresContinuations?: boolean;
}

/** A `providers:` entry after resolution, handed to a provider plugin's `create`. */
export interface ProviderSpec {
  /** As written, e.g. `openai:gpt-4o-mini`, `exec:python bot.py`, `file:./my-provider.ts`. */
  id: string;
  /** Registry id: the part before the first `:` (`echo` and `mock` have no model part). */
  type: string;
  /** The part after the first `:`, or '' when there is none. */
  model: string;
  /** Display name in reports; defaults to `id`. */
  label: string;
  /** The entry's `config:` map, validated by the plugin's optionsSchema. */
  config: Record<string, unknown>;
  /** Directory of the suite file, for resolving relative paths in config. */
  baseDir: string;
  /** Environment to read API keys and hosts from (process.env merged with .env). */
  env: Readonly<Record<string, string | undefined>>;
}

/** A provider plugin: one file under src/providers/, or a user module loaded with `file:`. */
export interface ProviderPlugin {
  /** Registry id = file name = the prefix users write in YAML. */
  id: string;
  /** JSON Schema of `config:`. */
  optionsSchema?: JsonSchema;
  create(spec: ProviderSpec): Provider | Promise<Provider>;
}

/** Authoring helper: returns its argument, typed. */
export function defineProvider(plugin: ProviderPlugin): ProviderPlugin {
  return plugin;
}

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
  | { 'answer-letter': { fallback?: string } };

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

/** What a metric sees. `value` is what `prepare` returned (or the raw YAML value). */
export interface MetricInput<P = unknown> {
  output: string;
  value: P;
  vars: Record<string, unknown>;
  test: TestCase;
  /** The rendered prompt. */
  prompt: string;
  result: GenerateResult;
  providerId: string;
  /** Model-graded metrics only: the assertion's grader and embedder, called through the engine. */
  judge?: Judge;
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
}

/** A metric plugin: one file under src/metrics/; usable as an assertion `type`. */
export interface MetricPlugin<V = unknown, P = V> {
  id: string;
  /** JSON Schema of the assertion's `value`. */
  optionsSchema?: JsonSchema;
  /** False for metrics where `not-` makes no sense. Default true. */
  negatable?: boolean;
  /** Set by model-graded metrics: the judge calls they make. The engine then hands `score` a `judge`. */
  judge?: MetricJudgeUse;
  /** Turns the YAML value into what `score` needs, once per assertion (compile a regex, load a module). */
  prepare?(value: V, context: { baseDir: string }): P | Promise<P>;
  score(input: MetricInput<P>): MetricScore | Promise<MetricScore>;
}

/** Authoring helper: returns its argument, typed. */
export function defineMetric<V = unknown, P = V>(plugin: MetricPlugin<V, P>): MetricPlugin<V, P> {
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

/** Status of a finished cell. */
export type CellStatus = 'pass' | 'fail' | 'error' | 'skipped';

/** One finished cell: one (provider, prompt, test, repeat) with its output and verdicts. */
export interface CellResult {
  /** Content-derived key of the cell within the suite (provider, prompt, test id, repeat). */
  cellId: string;
  providerId: string;
  providerLabel: string;
  promptId: string;
  testId: string;
  testIndex: number;
  repeatIndex: number;
  description?: string;
  /** The test's `cluster`, when it has one. */
  cluster?: string;
  vars: Record<string, unknown>;
  /** The rendered prompt, as sent. */
  prompt: string;
  output: string;
  status: CellStatus;
  /** Weighted mean of the assertions' scores, 0..1 for built-in metrics. */
  score: number;
  assertions: AssertionResult[];
  latencyMs: number;
  usage?: TokenUsage;
  cost: number;
  /** USD of the judge and embedding calls that graded this cell (sum of its assertions' `cost`); apart from `cost`. */
  gradingCost?: number;
  cached: boolean;
  finishReason?: string;
  error?: string;
  /** Why a `skipped` cell did not run: `budget` when the run's budget stopped it (a resume with more runs it). */
  skipReason?: 'budget';
  /** Security attack cells only: what attacked, and the whole conversation. A `fail` is a successful attack. */
  attack?: AttackRecord;
}

/**
 * The run's spend against its budget. `update` after each settled call, `alert` once when spend crosses
 * `alertAt`, `stop` when a call's worst case would cross a limit (the whole run, or one provider with
 * `onExceed: skip-provider`, then `scope` names it).
 */
export interface BudgetEvent {
  type: 'budget';
  level: 'update' | 'alert' | 'stop';
  spentUsd: number;
  limitUsd: number;
  scope?: string;
}

/** Events the executor emits; reporters (Ink UI, plain log, watch loop) subscribe and hold no engine logic. */
export type RunEvent =
  | { type: 'run-start'; runId: string; suitePath: string; totalCells: number; doneCells: number }
  /** `providerLabel` tells apart two entries of the same provider id (e.g. one model at two temperatures). */
  | { type: 'node-start'; cellId: string; providerId: string; providerLabel?: string }
  | { type: 'node-end'; cell: CellResult }
  | { type: 'retry'; cellId: string; providerId: string; attempt: number; delayMs: number; reason: string }
  | BudgetEvent
  | { type: 'run-end'; runId: string; status: RunStatus; durationMs: number };

/** Lifecycle of a stored run. */
export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';
