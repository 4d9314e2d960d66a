/**
 * Which outcomes an experiment is judged on. One source, not a blend: a thumbs-up and a judge's 0.7 are not the
 * same measurement, and averaging them would make the metric depend on how many of each arrived. Feedback wins
 * when the experiment collects it (it is what users said); otherwise the online judge's scores count.
 */
import type { Experiment, OutcomeRow } from './types.js';

export interface ExperimentOutcome {
  /** `thumbs` (0/1) or `score` (0..1). */
  kind: 'thumbs' | 'score';
  source: OutcomeRow['source'];
}

export function experimentOutcome(experiment: Experiment): ExperimentOutcome {
  const { feedback, judge } = experiment.metric;
  if (feedback !== undefined) return { kind: feedback, source: 'feedback' };
  if (judge !== undefined) return { kind: 'score', source: 'judge' };
  return { kind: 'score', source: 'feedback' };
}
