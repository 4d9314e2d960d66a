/**
 * The experiments of a running gateway: for a request to a model under an experiment, its unit and arm, and the
 * request as that arm serves it — the arm's system prompt in place of the client's, and the arm's candidate first —
 * and, for experiments with an online judge, the judgement of a sampled answer after it was served.
 */
import type { ResponseCache } from '../store/index.js';
import type { ChatMessage, Provider } from '../types.js';
import { createArmAssigner, unitOf, type ArmAssigner, type HeaderLookup } from './experiment-assign.js';
import { createOnlineJudge, type OnlineJudge } from './experiment-judge.js';
import type { Experiment, ExperimentArm, GatewayStore } from './types.js';

/** A request's place in an experiment. */
export interface Assignment {
  experiment: Experiment;
  arm: ExperimentArm;
  /** The unit's digest (what is logged; never the raw id). */
  unit: string;
}

export interface ExperimentRuntime {
  /** The request's assignment, or undefined when its model has no experiment or the request carries no unit. */
  assign(model: string, body: unknown, headers: HeaderLookup): Promise<Assignment | undefined>;
  /** Shares new units get now, per experiment (for /health). */
  shares(): Record<string, Record<string, number>>;
  /**
   * Hands a served answer to its experiment's online judge (when it has one and the request is in its sample).
   * Returns at once: the judgement runs in the background and a failure goes to `onError`.
   */
  judge(assignment: Assignment, answer: { requestId: string; messages: ChatMessage[]; output: string }): void;
}

/** What the online judges need: the graders' live instances, the response cache, where outcomes go. */
export interface JudgeDeps {
  grader(experiment: Experiment): Promise<Provider>;
  cache: ResponseCache;
}

export function createExperimentRuntime(
  experiments: Record<string, Experiment>,
  store: Pick<GatewayStore, 'outcomes' | 'units'>,
  options: { now?: () => number; onError?: (error: unknown) => void; judges?: JudgeDeps } = {},
): ExperimentRuntime {
  const byModel = new Map<string, { experiment: Experiment; assigner: ArmAssigner }>();
  for (const experiment of Object.values(experiments)) {
    byModel.set(experiment.model, { experiment, assigner: createArmAssigner(experiment, store, options) });
  }
  // Made on first use: a grader's SDK loads only when an answer is judged.
  const judges = new Map<string, Promise<OnlineJudge>>();
  const judgeOf = (experiment: Experiment, rule: NonNullable<Experiment['metric']['judge']>, deps: JudgeDeps): Promise<OnlineJudge> => {
    let judge = judges.get(experiment.name);
    if (!judge) {
      judge = deps.grader(experiment).then((grader) =>
        createOnlineJudge({
          experiment: experiment.name,
          rubric: rule.rubric,
          sample: rule.sample,
          grader,
          cache: deps.cache,
          outcomes: store.outcomes,
          ...(rule.price ? { price: rule.price } : {}),
          ...(options.now ? { now: options.now } : {}),
        }),
      );
      judges.set(experiment.name, judge);
    }
    return judge;
  };
  return {
    async assign(model, body, headers) {
      const entry = byModel.get(model);
      if (!entry) return undefined;
      const unit = unitOf(entry.experiment, body, headers);
      if (unit === undefined) return undefined;
      const assigned = await entry.assigner.assign(unit);
      const arm = entry.experiment.arms.find((a) => a.name === assigned.arm)!;
      return { experiment: entry.experiment, arm, unit: assigned.unit };
    },
    shares: () => Object.fromEntries([...byModel.values()].map(({ experiment, assigner }) => [experiment.name, assigner.shares()])),
    judge(assignment, answer) {
      const rule = assignment.experiment.metric.judge;
      if (!rule || !options.judges) return;
      judgeOf(assignment.experiment, rule, options.judges)
        .then((judge) => judge.judge(answer))
        .catch((error: unknown) => options.onError?.(error));
    },
  };
}

/** The messages an arm sends: its prompt as the one system message (the client's system messages dropped). */
export function armMessages(arm: ExperimentArm, messages: readonly ChatMessage[]): ChatMessage[] {
  if (!arm.prompt) return [...messages];
  return [{ role: 'system', content: arm.prompt.text }, ...messages.filter((m) => m.role !== 'system')];
}
