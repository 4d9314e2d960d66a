/**
 * The three stages of a suite: `SuiteFile` (raw YAML, as the schema allows it) → `ResolvedSuite` (validated,
 * files loaded, defaults from llmlab.config.yaml applied) → the engine's `Plan`. Project defaults live in
 * `ProjectConfig`.
 *
 * The file formats are not written here: `npm run generate` derives them from schemas/*.schema.json into
 * src/schema-types/, and this module re-exports them. What is written here is the resolved side, restating a
 * file's field only by reference to its derived type.
 */
import type { RunSettings } from '../dialects/promptfoo/index.js';
import type { SourceLocation } from '../errors.js';
import type { ProviderLimits } from '../providers/limit-keys.js';
import type { ConfigFile } from '../schema-types/config-file.js';
import type { FinetuneFile, PriceTable, SuiteFile, TestFile } from '../schema-types/suite-file.js';
import type { Budget, DerivedMetric, Gates } from '../suite-settings.js';
import type { PromptMessage, TestCase, ToolChoice, ToolDefinition } from '../types.js';

export type {
  AssertionFile,
  AttackFile,
  BenchmarkDataset,
  BudgetFile,
  DefaultTestFile,
  FinetuneFile,
  GatesFile,
  GoalFile,
  GraderFile,
  ModelPrice,
  PriceTable,
  PromptFile,
  ProviderFile,
  SuiteFile,
  TargetFile,
  TestFile,
  TransformFile,
} from '../schema-types/suite-file.js';
export type { ConfigFile, ProjectBudget } from '../schema-types/config-file.js';
export type { Budget, DerivedMetric, Gates } from '../suite-settings.js';

/**
 * A test on its way to resolution: as written in a suite or a dataset row, or made by a benchmark adapter, the
 * only source of `continuations` (YAML may not set it).
 */
export type TestInput = TestFile & Pick<TestCase, 'continuations'>;

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

/** Declared with the limit keys' schema (src/providers/limit-keys.ts), so the two cannot drift apart. */
export type { ProviderLimits };

/** A provider entry after resolution. `config` excludes the engine keys that went into `limits`. */
export interface ResolvedProvider {
  id: string;
  type: string;
  /** The model to call: the id's model part, less an accepted API infix (`openai:chat:X` → `X`). */
  model: string;
  label: string;
  config: Record<string, unknown>;
  limits: ProviderLimits;
  /** Whose price applies when `type:model` has none (an Azure deployment serving a named OpenAI model). */
  pricedAs?: { type: string; model: string };
  /**
   * Set on a tuned model (`finetune:<id>` in `providers:`): its recipe and training point. Its `model` is a
   * placeholder until the train stage yields the trained model; `type` and `config` are its base's.
   */
  finetune?: { recipe: string; point: string; hash: string };
}

/** One training point of a recipe: the whole recipe, or one combination of its sweep's values. */
export interface ResolvedTrainingPoint {
  /** `epochs=2,batchSize=8`, or '' without a sweep. */
  point: string;
  /** Provider label of the tuned model. */
  label: string;
  /** Content hash: data file hashes, base, method, hyperparameters, backend settings. */
  hash: string;
  /** The recipe's hyperparameters with the point's values over them. */
  hyperparameters: Record<string, number | string | boolean>;
}

/** A forgetting suite, loaded: its prompts (ids prefixed `forgetting:<name>/`) and tests run on base and tuned models. */
export interface ForgettingSection {
  name: string;
  path: string;
  prompts: ResolvedPrompt[];
  tests: TestCase[];
  /** Labels of the providers that run it: each recipe's base and tuned points that name this suite. */
  providers: string[];
}

/** A `finetunes:` recipe, resolved. */
export interface ResolvedFinetune {
  id: string;
  /** Label of the base provider (an entry of ResolvedSuite.providers). */
  base: string;
  method: NonNullable<FinetuneFile['method']>;
  backend: NonNullable<FinetuneFile['backend']>;
  /** Absolute paths of the data files. */
  data: { train: string; validation?: string };
  hyperparameters: Record<string, number | string | boolean>;
  points: ResolvedTrainingPoint[];
  select: string;
  suffix?: string;
  command?: FinetuneFile['command'];
  validation: { leakage: 'error' | 'warn' | 'off'; nearDuplicateThreshold: number; contextWindow?: number };
  poll: { initialMs: number; maxMs: number };
  /** Absolute paths of the recipe's forgetting suites; ResolvedSuite.forgetting holds them loaded, by `path`. */
  forgetting: string[];
  /** Where the recipe is written, for errors about its data. */
  where: SourceLocation;
}

/** A prompt after resolution: exactly one of `template` (one user message) or `messages`. */
export interface ResolvedPrompt {
  id: string;
  template?: string;
  messages?: PromptMessage[];
  /** Where the prompt text came from, for template error messages. */
  source: { file: string; line?: number };
  /** Functions the model may call (`tools:`, loaded and checked); sent with every cell of this prompt. */
  tools?: ToolDefinition[];
  /** `toolChoice:` as written; unset = the API's default. */
  toolChoice?: ToolChoice;
}

/**
 * A validated suite with every referenced file loaded and defaults applied. `description` is the file's, and
 * `repeat` the file's with its default.
 */
export interface ResolvedSuite extends Pick<SuiteFile, 'description'>, Required<Pick<SuiteFile, 'repeat'>> {
  /** Absolute path of the suite file. */
  path: string;
  baseDir: string;
  providers: ResolvedProvider[];
  prompts: ResolvedPrompt[];
  tests: TestCase[];
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
  /** `derivedMetrics:`, checked: every name an expression reads is a metric of the suite or an earlier derived one. */
  derivedMetrics?: DerivedMetric[];
  /** `media.maxEdge`: images larger than this are sent downscaled (src/media/downscale.ts). */
  mediaMaxEdge?: number;
  /** Security testing (`target` + `attacks`), when the suite has it. */
  security?: ResolvedSecurity;
  /** Fine-tune recipes (`finetunes:`); their tuned models are entries of `providers` with `finetune` set. */
  finetunes?: ResolvedFinetune[];
  /** Forgetting suites of the recipes: their cells run on the bases and tuned models only. */
  forgetting?: ForgettingSection[];
  /** Every file the suite read (itself, prompt files, datasets, modules), for watch mode and the suite hash. */
  sources: string[];
  /**
   * What a translated suite (a promptfoo config) tells the user once, each at its promptfoo line: the dialect,
   * defaults written in, keys ignored or not translated. eval, plan and watch print them on stderr.
   */
  notices?: Array<{ where: SourceLocation; text: string }>;
  /** Run options a promptfoo config carries (`evaluateOptions`, `outputPath`); command-line flags win over them. */
  runSettings?: RunSettings;
  /** Hash of the resolved content; identifies "the same suite" across runs. */
  hash: string;
}

/** Keys of llmlab.config.yaml that resolution fills with a default and otherwise keeps as written. */
type DefaultedConfigKeys = 'suites' | 'concurrency' | 'timeoutMs' | 'maxRetries';

/**
 * llmlab.config.yaml, resolved: the keys in DefaultedConfigKeys defaulted, `prices` and `budget` as written (a
 * suite's own are merged over them when it loads), paths made absolute.
 */
export interface ProjectConfig extends Required<Pick<ConfigFile, DefaultedConfigKeys>>, Pick<ConfigFile, 'prices' | 'budget'> {
  /** Absolute folder a bare `-o` file name is written to, when the config file sets `outputDir`. */
  outputDir?: string;
  /** Directory holding llmlab.config.yaml, or the cwd when there is none. */
  root: string;
  /** Path of the config file, when one was found. */
  file?: string;
  /** Absolute database path: `--db`, else LLMLAB_DB, else the file's `db`, else `.llmlab/llmlab.db` in `root`. */
  db: string;
  /** User metrics registered by name: name → absolute module path. */
  metrics?: Record<string, string>;
  /** Default judge and embedder of model-graded assertions, resolved (with the config file's limits). */
  grader?: ResolvedProvider;
  embedder?: ResolvedProvider;
  /** Set by `--allow-code-execution`: suites may run model-written code (HumanEval). */
  allowCodeExecution?: boolean;
}
