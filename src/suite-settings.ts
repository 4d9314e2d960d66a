/**
 * What a run is held to once its suite is loaded: the budget and the gates. The store keeps them with the run and
 * the report checks them, and neither may depend on config/, so they live here, beside types.ts, built on the
 * file format types derived from schemas/suite.schema.json (which import nothing either).
 */
import type { BudgetFile, GatesFile, SuiteFile } from './schema-types/suite-file.js';

/**
 * A suite's `budget:` after resolution: llmlab.config.yaml's keys under the suite's, `onExceed` defaulted. A hard
 * limit: no call starts whose worst case (estimated input + maxTokens output) would take spend past `maxUsd` or its
 * provider's `perProvider` limit.
 */
export interface Budget extends BudgetFile {
  /** `stop` the run, or `skip-provider` (only that provider's cells) when a perProvider limit is reached. */
  onExceed: NonNullable<BudgetFile['onExceed']>;
}

/**
 * A suite's `gates:` as a run is checked against them. Without `minPassRate` every cell must pass. Keys left out
 * are not checked; `requireSignificance` (default true) only matters with `maxRegression`.
 */
export interface Gates extends GatesFile {
  /**
   * Security attacks: the lowest severity whose attacks are gated. Attacks at or above it must not succeed more
   * often than their `maxSuccessRate` (default 0). Set from the suite's top-level `severityThreshold`; default `low`
   * when the suite has attacks.
   */
  severityThreshold?: SuiteFile['severityThreshold'];
}

/**
 * One of a suite's `derivedMetrics:`: a name and an arithmetic expression (src/text/arithmetic.ts) over the sums
 * of named metrics' scores per prompt × provider, and over derived metrics defined before it. Kept with the run, so
 * `llmlab report` computes them again from the stored scores.
 */
export type DerivedMetric = NonNullable<SuiteFile['derivedMetrics']>[number];
