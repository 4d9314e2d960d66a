/**
 * The contracts of the fine-tune stages (DESIGN.md §9): a training point (one recipe, or one point of its sweep),
 * what validating its data reports, and what a backend does with it. The engine runs the stages; the backends
 * (openai-backend.ts, command-backend.ts) talk to the trainer; the store keeps job state (store/finetune-jobs.ts).
 */
import type { ResolvedProvider } from '../config/types.js';
import type { FinetuneJobRecord, FinetuneJobStore } from '../store/index.js';
import type { StageEvent } from '../types.js';

/** `supervised`: chat examples; `dpo`: preference pairs (OpenAI's `input` / `preferred_output` / `non_preferred_output`). */
export type FinetuneMethod = 'supervised' | 'dpo';

/** A hyperparameter as written: a number, `auto` (the backend chooses), or for a command backend any scalar. */
export type Hyperparameter = number | string | boolean;

/** One training job to run: a recipe with one choice of its sweep's values. */
export interface TrainingPoint {
  recipeId: string;
  /** `epochs=2,batchSize=8` for a sweep point; '' for a recipe without a sweep. */
  point: string;
  /** The provider label the tuned model is evaluated under: `finetune:<id>`, or `finetune:<id>[<point>]`. */
  label: string;
  /** Content hash: data file hashes, base provider and model, method, hyperparameters, backend settings. */
  hash: string;
  /** The base model, as resolved from the suite's providers. */
  base: ResolvedProvider;
  method: FinetuneMethod;
  /** Sweep values applied; camelCase keys (`epochs`, `learningRateMultiplier`, `batchSize`, `beta`, or a command's own). */
  hyperparameters: Record<string, Hyperparameter>;
  /** Absolute paths of the validated data. */
  data: { train: string; validation?: string };
  /** Estimated training cost, USD (0 when the price profile has no training price). */
  estimatedUsd: number;
}

/** A command backend's settings (`backend: command`). */
export interface CommandSettings {
  /** A nunjucks template rendered with {@link CommandTemplateVars}, run with `sh -c` in the suite's folder. */
  run: string;
  /** Kill the trainer after this long (ms); unset = no limit. */
  timeoutMs?: number;
  /** Extra environment for the trainer (values are templates too). */
  env?: Record<string, string>;
  /** How the artifact becomes a provider. */
  serve: ServeSettings;
}

/**
 * How a command backend's output directory becomes a provider: an Ollama model created from the adapter
 * (`ollama`), or a provider entry for a server that serves it (`provider`, e.g. vLLM or llama.cpp's OpenAI server);
 * string values of both are templates over {@link CommandTemplateVars}.
 */
export type ServeSettings =
  | { ollama: { from: string; model?: string; host?: string; adapter?: string } }
  | { provider: { id: string; config?: Record<string, unknown> } };

/** What a command template sees. */
export interface CommandTemplateVars {
  id: string;
  /** The base model's name (the provider's model). */
  base: string;
  method: FinetuneMethod;
  hyperparameters: Record<string, Hyperparameter>;
  /** Absolute paths: the validated data, copied as `train.jsonl` and `valid.jsonl` into `dataDir`. */
  train: string;
  validation?: string;
  dataDir: string;
  /** The output directory: the artifact. Exists and is empty before the command starts. */
  output: string;
  /** The point's content hash (first 12 characters), e.g. to name a served model uniquely. */
  hash: string;
}

/** Progress a stage reports; the engine emits it as a `stage` RunEvent. */
export type StageProgress = Omit<StageEvent, 'type'>;

/** What a backend's `train` needs besides the point. */
export interface StageContext {
  jobs: FinetuneJobStore;
  emit(progress: StageProgress): void;
  /** Ctrl-C: stop waiting and leave the job running (its id is stored). */
  stop: AbortSignal;
  env: Readonly<Record<string, string | undefined>>;
  /** Poll interval: starts at `initialMs`, grows ×1.5 per unchanged poll up to `maxMs`. */
  poll: { initialMs: number; maxMs: number };
  /** The suite's folder (commands run there). */
  baseDir: string;
  /** Where a point's files go: `<workDir>/<hash>/` (command outputs, copied data). */
  workDir: string;
}

/**
 * How a training point ended. `model`: the tuned model as a provider (the base's type and config, the trained
 * model id), ready to instantiate. `interrupted`: Ctrl-C; the job may still run (`record` has its id).
 */
export type TrainingOutcome =
  | { ok: true; provider: ResolvedProvider; record: FinetuneJobRecord; reused: boolean }
  | { ok: false; interrupted: true; record?: FinetuneJobRecord }
  | { ok: false; interrupted?: false; reason: string; record?: FinetuneJobRecord };

/** A training backend: runs (or re-attaches to) a point's job and yields the tuned model. */
export interface TrainingBackend {
  train(point: TrainingPoint, context: StageContext): Promise<TrainingOutcome>;
  /** Cancels a stored job (`llmlab finetune cancel`); resolves with the record as stored afterwards. */
  cancel(record: FinetuneJobRecord, context: Pick<StageContext, 'jobs' | 'env'> & { base: ResolvedProvider }): Promise<FinetuneJobRecord>;
}

/** One problem found in the data, at `file:line` (1-based; 0 when it concerns the file as a whole). */
export interface DataProblem {
  file: string;
  line: number;
  /** The rule broken, stable for tests and docs: `json`, `roles`, `order`, `empty-assistant`, `context`, `leakage`, … */
  rule: string;
  message: string;
}

/** What validating one recipe's data found. Errors stop the run before anything is uploaded (exit 2). */
export interface DataReport {
  errors: DataProblem[];
  warnings: DataProblem[];
  counts: {
    train: number;
    validation: number;
    /** Tokens of all training examples, as billed per epoch (each capped at the context window). */
    trainTokens: number;
    validationTokens: number;
    maxExampleTokens: number;
    overContext: number;
    exactDuplicates: number;
    nearDuplicates: number;
    secrets: number;
    /** Eval tests whose input shares a 13-gram (or all of a shorter input) with a training example. */
    leakedTests: number;
  };
  /** Label → count, when the assistant answers look like labels (few distinct short answers). */
  labels?: Record<string, number>;
}

/** What {@link validateData} (validate-data.ts) checks one recipe's data with. */
export interface ValidateOptions {
  method: FinetuneMethod;
  /** Absolute paths. */
  files: { train: string; validation?: string };
  /** How a path is shown in problems (relative to the suite's folder). */
  display(path: string): string;
  /** Tokens of a text in the base model's encoding. */
  countTokens(text: string): number;
  /** The base model's context window: a longer example is an error (`context`). */
  contextWindow: number;
  /** The suite's eval tests as text (their vars' values), checked for overlap with the training data. */
  evalInputs: ReadonlyArray<{ testId: string; text: string }>;
  /** `error` (default): a leaked test fails validation; `warn`: listed only; `off`: not checked. */
  leakage: 'error' | 'warn' | 'off';
  /** Jaccard similarity of word 5-gram shingles at or above which two examples are near duplicates (default 0.8). */
  nearDuplicateThreshold: number;
}
