/** What the gates read and what they return: the contract between the report model and the gate rules. */
import type { Gates } from '../../suite-settings.js';
import type { BaselineComparison } from '../compare/baseline.js';
import type { PartialRun } from '../model/partial-run.js';
import type { SecurityGateInput } from '../model/security-standing.js';
import type { FinetuneRecipeSummary } from '../model/finetune-summary.js';

export type { SecurityGateInput } from '../model/security-standing.js';

/**
 * A gate's name: a `gates:` key, `complete` (every planned cell ran) when a run was interrupted, or `security`
 * when the run has attack cells.
 */
export type GateName = 'complete' | 'minPassRate' | 'maxErrors' | 'maxCostUsd' | 'maxRegression' | 'finetune' | 'security';

/** `not-checked`: the gate could not be measured (no baseline); it does not fail the run. */
export type GateStatus = 'pass' | 'fail' | 'not-checked';

/** One gate's verdict, with what was measured against what. */
export interface GateCheck {
  gate: GateName;
  status: GateStatus;
  /**
   * A pass rate (minPassRate), a count of cells (complete, maxErrors), USD of generation and grading (maxCostUsd), the largest
   * pass-rate drop over the targets as a fraction (maxRegression; negative when every target improved) or the
   * shown family's attack success rate (security). Null when not checked.
   */
  measured: number | null;
  threshold: number;
  /** The measured value as printed, e.g. `75.0% (30 of 40 cells)`. */
  measuredText: string;
  /** The threshold as printed, e.g. `≥ 90.0%`. */
  thresholdText: string;
  /** Why the gate failed or was not checked; for a passing maxRegression, why a large drop did not count. */
  reason?: string;
  /** minPassRate only: the suite set none, so every cell must pass. */
  default?: boolean;
  /** maxRegression only: the target with the largest drop (the worst failing one when any fails). */
  target?: RegressionTarget;
  /** maxRegression and finetune only: whether significance was required. */
  requireSignificance?: boolean;
  /** finetune only: the recipe this check judges (one check per recipe). */
  recipe?: string;
}

/** The prompt × provider a maxRegression verdict is about. */
export interface RegressionTarget {
  promptId: string;
  providerLabel: string;
  /** Pass rate in the baseline and in this run, over the shared tests. */
  passRateBaseline: number;
  passRate: number;
  n: number;
  /** McNemar exact p, Holm-adjusted across the comparison's targets. */
  adjustedPValue: number;
  significant: boolean;
}

/** Result of the suite's gates. */
export interface GateResult {
  passed: boolean;
  /** One line per gate that failed. */
  reasons: string[];
  /** The suite's minPassRate, when it set one. */
  minPassRate?: number;
  /**
   * Every gate in the order printed: complete (when cells are missing), minPassRate, maxErrors, maxCostUsd,
   * maxRegression, finetune (one per recipe), security (when the run has attack cells).
   */
  checks: GateCheck[];
  /** The run compared against for maxRegression; null without a baseline. */
  baseline: { runId: string; ref?: string } | null;
  /** Set when the run holds only some shards (`shard 2/8: partial`): the gates cannot pass it. */
  partial?: string;
  /** Set on a subset's run (`subset: 40 of 2,000 cells (--filter refund)`): the gates judged those cells only. */
  subset?: string;
}

/** What the gates measure. */
export interface GateInput {
  totals: {
    passed: number;
    failed: number;
    errors: number;
    skipped: number;
    cells: number;
    passRate: number | null;
    /** USD of the generation calls. */
    cost: number;
    /** USD of the judge and embedding calls of model-graded assertions. */
    gradingCost?: number;
  };
  /** Planned cells that never ran (an interrupted run), attack cells included. */
  missing: number;
  /** Cells the budget skipped: written as `skipped`, but they did not run either. */
  budgetSkipped?: number;
  gates: Gates;
  /** The comparison with the baseline (baseline = A, this run = B), or why there is none usable. */
  baseline?: BaselineComparison;
  /** The run's fine-tune comparisons, when it has recipes: what the `finetune` gate judges. */
  finetunes?: readonly FinetuneRecipeSummary[];
  /**
   * The run's forgetting cells (`totals` leaves them out): like attack cells, they count toward maxErrors and
   * maxCostUsd, not toward the pass rate.
   */
  forgetting?: { errors: number; cost: number; gradingCost: number };
  /** The run's attack cells, when it has any (`totals` holds the ordinary cells only). */
  security?: SecurityGateInput;
  /** A shard's run, or a merge missing shards: the other gates still measure its cells, but it cannot pass. */
  partial?: PartialRun;
  /** A subset's run: the gates apply to its cells as to any run's, and the verdict says it judged a subset. */
  subset?: string;
}
