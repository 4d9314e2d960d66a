/**
 * The three stages of a suite: `SuiteFile` (raw YAML, as the schema allows it) → `ResolvedSuite` (validated,
 * files loaded, defaults from llmlab.config.yaml applied) → the engine's `Plan`. Project defaults live in
 * `ProjectConfig`.
 */
import type { ChatMessage, Severity, TestCase, TransformStep } from '../types.js';

/** An assertion as written in YAML. */
export interface AssertionFile {
  type: string;
  value?: unknown;
  weight?: number;
  threshold?: number;
  metric?: string;
  /** One step or a list of steps, applied to the output before the metric. */
  transform?: TransformStep | TransformStep[];
  /** Judge of this assertion (model-graded metrics); also its embedder. */
  grader?: ProviderFile;
  graderRepeat?: number;
}

/** A test as written in YAML or a dataset row. */
export interface TestFile {
  id?: string;
  description?: string;
  vars?: Record<string, unknown>;
  assert?: AssertionFile[];
  cluster?: string;
  metadata?: Record<string, unknown>;
  /** Set only by benchmark adapters (not accepted in YAML): see TestCase.continuations. */
  continuations?: string[];
  /** `defaultTest` only: judge and embedder of every test's model-graded assertions. */
  grader?: ProviderFile;
  embedder?: ProviderFile;
}

/** A `providers:` entry as written. */
export type ProviderFile =
  | string
  | {
      id: string;
      label?: string;
      config?: Record<string, unknown>;
    };

/** A `prompts:` entry as written. */
export type PromptFile =
  | string
  | { id?: string; template: string }
  | { id?: string; messages: ChatMessage[] }
  | { id?: string; file: string };

/** A suite file as written (after YAML parsing, before validation). */
export interface SuiteFile {
  description?: string;
  /** Required unless the suite only attacks a `target`. */
  providers?: ProviderFile[];
  prompts?: PromptFile[];
  /** Inline list, or `file:<path or glob>` (jsonl, json, yaml, csv). A suite has `tests` or `dataset`. */
  tests?: TestFile[] | string;
  /** A standard benchmark read by its adapter (src/datasets/<type>.ts) from the official files; instead of `tests`. */
  dataset?: BenchmarkDataset;
  /** Lets assertions run model-written code (HumanEval's `code-exec`); `--allow-code-execution` does the same. */
  allowCodeExecution?: boolean;
  /**
   * Lets rows of dataset files (`tests: file:…`) run code in-process through `javascript` assertions (inline or
   * `file:` modules). Off by default: dataset rows are data, and such a row is refused with its file and line.
   */
  trustDatasetCode?: boolean;
  defaultTest?: TestFile;
  repeat?: number;
  gates?: Gates;
  /** Judge of model-graded assertions, and provider of embeddings (`similar`, `answer-relevance`). */
  grader?: ProviderFile;
  embedder?: ProviderFile;
  /** Judge rounds per graded output; default 1. */
  graderRepeat?: number;
  /** Prices of models by `type:model` (USD per million tokens), over llmlab.config.yaml's and the profiles'. */
  prices?: PriceTable;
  budget?: Omit<Budget, 'onExceed'> & { onExceed?: Budget['onExceed'] };
  /** Security testing: the app under attack. */
  target?: TargetFile;
  /** Security testing: attack families run against `target`. */
  attacks?: AttackFile[];
  /** Model that drives multi-turn escalation and translation; judges refusals when no grader is set. */
  attacker?: ProviderFile;
  /** Security gate: lowest severity gated (see Gates.severityThreshold). */
  severityThreshold?: Severity;
}

/** A suite's `target:` as written. */
export interface TargetFile {
  provider: ProviderFile;
  /** Text or `file:<path>`. */
  system: string;
  context?: string;
  prompt?: string;
}

/** One `attacks:` entry as written. */
export interface AttackFile {
  type: string;
  strategies?: string[];
  /** Inline goals, or `file:<path>`. */
  goals?: string | GoalFile[];
  /** Each item one converter or a stack of them. */
  converters?: Array<string | string[]>;
  maxSuccessRate?: number;
  limit?: number;
  turns?: number;
  severity?: Severity;
  detect?: AssertionFile[];
}

/** A jailbreak goal as written. */
export interface GoalFile {
  id: string;
  goal: string;
  severity?: Severity;
  topic?: string;
  detect?: AssertionFile[];
}

/** A suite's security section, resolved: attack tests run on the target only. */
export interface ResolvedSecurity {
  /** Label of the attacked provider (an entry of ResolvedSuite.providers). */
  target: string;
  /** True when the target is not also one of the suite's `providers:`: it runs the attacks and nothing else. */
  targetOnly: boolean;
  /** Key (in ResolvedSuite.graders) of the attacker model, when there is one. */
  attacker?: string;
  /** Attack tests, each with `attack` set. */
  tests: TestCase[];
}

/** A suite's `dataset:`: a benchmark adapter, the files it reads and which subset of rows to run. */
export interface BenchmarkDataset {
  /** Adapter id: gsm8k, mmlu, arc, hellaswag, humaneval. */
  type: string;
  /** File or glob relative to the suite (MMLU: one CSV per subject, e.g. `data/mmlu/test/*.csv`). */
  path: string;
  /** Few-shot examples drawn deterministically (seeded) from another split. */
  fewshot?: { k: number; path: string; seed?: number };
  /** Multiple choice: `generate` (the model answers a letter) or `loglikelihood` (choices scored by log-probabilities). */
  protocol?: 'generate' | 'loglikelihood';
  /** Seeded random subset of n rows (kept in file order), taken before `limit`. */
  sample?: { n: number; seed?: number };
  /** The first N rows (after `sample`). */
  limit?: number;
  /** HumanEval: per-test time limit of the sandboxed run, ms (default 10000). */
  timeoutMs?: number;
  /** HumanEval: address-space limit of the sandboxed run, MB (default 1024). */
  memoryMb?: number;
}

/** Price of one model, USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
  contextWindow?: number;
}

/** Prices by `type:model` (`mock` alone for a provider without a model part). */
export type PriceTable = Record<string, ModelPrice>;

/**
 * A suite's `budget:`. A hard limit: no call starts whose worst case (estimated input + maxTokens output) would
 * take spend past `maxUsd` or its provider's `perProvider` limit.
 */
export interface Budget {
  /** USD for the whole run, generation and grading; `--budget-usd` overrides it. */
  maxUsd?: number;
  /** USD per provider, keyed by provider label or id (a grader's calls count against its id's entry too). */
  perProvider?: Record<string, number>;
  /** Fraction of `maxUsd` at which one warning is shown. */
  alertAt?: number;
  /** `stop` the run, or `skip-provider` (only that provider's cells) when a perProvider limit is reached. */
  onExceed: 'stop' | 'skip-provider';
}

/**
 * A suite's `gates:`: what a run must meet to exit 0. Without `minPassRate` every cell must pass. Keys left out
 * are not checked; `requireSignificance` (default true) only matters with `maxRegression`.
 */
export interface Gates {
  /** Fraction of cells that must pass, 0..1. */
  minPassRate?: number;
  /** Largest tolerated pass-rate drop vs the baseline (a fraction, e.g. 0.02), per prompt × provider. */
  maxRegression?: number;
  /** A drop beyond `maxRegression` fails only when McNemar's test (Holm across targets) says it is real. */
  requireSignificance?: boolean;
  /** Most USD the run's model calls may cost, generation and grading (cached answers at their original price). */
  maxCostUsd?: number;
  /** Most cells that may end in an error. */
  maxErrors?: number;
  /**
   * Security attacks: the lowest severity whose attacks are gated. Attacks at or above it must not succeed more
   * often than their `maxSuccessRate` (default 0). Set from the suite's top-level `severityThreshold`; default `low`
   * when the suite has attacks.
   */
  severityThreshold?: Severity;
}

/** Execution settings of one provider, from its `config:` (engine keys) or llmlab.config.yaml defaults. */
export interface ProviderLimits {
  /** Max calls in flight to this provider; default: no limit besides the global one. */
  concurrency?: number;
  /** Max requests per minute to this provider. */
  rpm?: number;
  /** Per-call timeout, ms. */
  timeoutMs: number;
  /** Retries after the first attempt for retryable failures. */
  maxRetries: number;
}

/** A provider entry after resolution. `config` excludes the engine keys that went into `limits`. */
export interface ResolvedProvider {
  id: string;
  type: string;
  model: string;
  label: string;
  config: Record<string, unknown>;
  limits: ProviderLimits;
}

/** A prompt after resolution: exactly one of `template` (one user message) or `messages`. */
export interface ResolvedPrompt {
  id: string;
  template?: string;
  messages?: ChatMessage[];
  /** Where the prompt text came from, for template error messages. */
  source: { file: string; line?: number };
}

/** A validated suite with every referenced file loaded and defaults applied. */
export interface ResolvedSuite {
  /** Absolute path of the suite file. */
  path: string;
  baseDir: string;
  description?: string;
  providers: ResolvedProvider[];
  prompts: ResolvedPrompt[];
  tests: TestCase[];
  repeat: number;
  gates: Gates;
  /** User metrics of the project (name → absolute module path), from llmlab.config.yaml `metrics`. */
  metrics?: Record<string, string>;
  /**
   * Judges and embedders the suite's model-graded assertions use, by the key their `judge` names: one entry (and
   * so one live instance per run) per distinct provider spec.
   */
  graders?: Record<string, ResolvedProvider>;
  /**
   * The price of every model the suite calls (providers and graders), by `type:model`: suite `prices` over
   * llmlab.config.yaml `prices` over providers/*.yaml. A model missing here costs 0. Suites built by hand may
   * leave it out: the profiles alone then price their calls.
   */
  prices?: PriceTable;
  /** Models of a priced provider type (openai, anthropic) that have no price: their calls count as $0. */
  unpriced?: string[];
  budget?: Budget;
  /** Security testing (`target` + `attacks`), when the suite has it. */
  security?: ResolvedSecurity;
  /** Every file the suite read (itself, prompt files, datasets, modules), for watch mode and the suite hash. */
  sources: string[];
  /** Hash of the resolved content; identifies "the same suite" across runs. */
  hash: string;
}

/** llmlab.config.yaml, resolved. */
export interface ProjectConfig {
  /** Directory holding llmlab.config.yaml, or the cwd when there is none. */
  root: string;
  /** Path of the config file, when one was found. */
  file?: string;
  /** Suite globs for `llmlab eval` without arguments. */
  suites: string[];
  /** Absolute database path. */
  db: string;
  /** Global model calls in flight. */
  concurrency: number;
  /** Defaults for every provider's limits. */
  timeoutMs: number;
  maxRetries: number;
  /** Directory for reports. */
  outputDir: string;
  /** User metrics registered by name: name → absolute module path. */
  metrics?: Record<string, string>;
  /** Price overrides of the project (`prices:`), by `type:model`. */
  prices?: PriceTable;
  /** Default judge and embedder of model-graded assertions, resolved (with the config file's limits). */
  grader?: ResolvedProvider;
  embedder?: ResolvedProvider;
  /** Set by `--allow-code-execution`: suites may run model-written code (HumanEval). */
  allowCodeExecution?: boolean;
  /** Default `budget` of every suite (`budget:`); merged with a suite's own in resolveBudget. */
  budget?: ProjectBudget;
}

/**
 * llmlab.config.yaml's `budget:` as written (validated): the same keys as a suite's, all optional. A suite's own
 * keys override these key by key when the suite loads; a perProvider key applies to the suites that have that
 * provider.
 */
export interface ProjectBudget {
  maxUsd?: number;
  perProvider?: Record<string, number>;
  alertAt?: number;
  onExceed?: Budget['onExceed'];
}
