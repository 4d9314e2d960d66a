/** Finished cells and the events a run emits. Part of src/types.ts, which re-exports every part. */
import type { TokenUsage, ToolCall } from './model-call.js';
import type { AssertionResult } from './assertion.js';
import type { AttackRecord } from './attack.js';
import type { MediaRef } from './media.js';

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
  /** The tools the model called, in order, when the prompt declared `tools` and the model called any. */
  toolCalls?: ToolCall[];
  /** Media the provider produced (image generation), in the media store; `output` holds their placeholders. */
  media?: MediaRef[];
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
  /**
   * Why a `skipped` cell did not run: `budget` when the run's budget stopped it (a resume with more runs it),
   * `finetune` when the job training its model failed (`error` says why; a resume tries the job again).
   */
  skipReason?: 'budget' | 'finetune';
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

/** What the earlier attempts of a resumed run finished for one prompt × provider (ordinary cells, not attacks). */
export interface EarlierTargetTotals {
  promptId: string;
  providerId: string;
  providerLabel: string;
  passed: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  /** USD, judge calls included. */
  cost: number;
  cachedCells: number;
}

/**
 * Progress of a fine-tune stage (validate data, upload, train, serve) of one training point: the live view shows
 * job status, events and trained tokens.
 */
export interface StageEvent {
  type: 'stage';
  /** The tuned model's provider label (`finetune:support-v2`). */
  label: string;
  stage: 'validate' | 'upload' | 'train' | 'serve';
  /** `reused`: a finished job's model is taken as is; `detached`: Ctrl-C left the job running. */
  status: 'start' | 'progress' | 'done' | 'reused' | 'failed' | 'detached';
  jobId?: string;
  /** The backend's job status (`queued`, `running`, `succeeded`, …). */
  jobStatus?: string;
  trainedTokens?: number;
  /** One line: an event of the job, the reason of a failure, how to cancel a detached job. */
  message?: string;
}

/** Events the executor emits; reporters (Ink UI, plain log, watch loop) subscribe and hold no engine logic. */
export type RunEvent =
  /** `earlier`: on a resume, what the earlier attempts finished, so live counts start from the stored cells. */
  | { type: 'run-start'; runId: string; suitePath: string; totalCells: number; doneCells: number; earlier?: EarlierTargetTotals[] }
  /** `providerLabel` tells apart two entries of the same provider id (e.g. one model at two temperatures). */
  | { type: 'node-start'; cellId: string; providerId: string; providerLabel?: string }
  | { type: 'node-end'; cell: CellResult }
  | { type: 'retry'; cellId: string; providerId: string; attempt: number; delayMs: number; reason: string }
  | BudgetEvent
  | StageEvent
  | { type: 'run-end'; runId: string; status: RunStatus; durationMs: number };

/** Lifecycle of a stored run. */
export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';
