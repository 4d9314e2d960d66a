/**
 * A gateway config's `experiments:`, resolved: each on a declared model (one experiment per model), arms with their
 * prompt files read and candidates checked, split shares complete and summing to 1, an outcome to compare.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import type { ArmFile, ExperimentFile } from '../schema-types/gateway-file.js';
import { listNames, suggestionHint } from './did-you-mean.js';
import type { Experiment, ExperimentArm, VirtualModel } from './gateway-types.js';
import type { ProblemList } from './problems.js';
import { resolveProviderEntry } from './resolve-providers.js';
import type { ProjectConfig } from './types.js';
import { fileError, type PathSegment, type YamlSource } from './yaml-source.js';

const SHARE_TOLERANCE = 1e-6;

/** What resolving one gateway config shares. */
export interface GatewayContext {
  source: YamlSource;
  problems: ProblemList;
  baseDir: string;
}
type Context = GatewayContext;

export async function resolveExperiments(
  experiments: Record<string, ExperimentFile>,
  models: Record<string, VirtualModel>,
  project: ProjectConfig,
  context: Context,
): Promise<Record<string, Experiment>> {
  const resolved: Record<string, Experiment> = {};
  const byModel = new Map<string, string>();
  for (const [name, written] of Object.entries(experiments)) {
    const at = (...rest: PathSegment[]) => context.source.locate(['experiments', name, ...rest]);
    const model = models[written.model];
    if (!model) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `experiment \`${name}\` is on model \`${written.model}\`, which is not declared`, {
          where: at('model'),
          hint: suggestionHint(written.model, Object.keys(models), 'models'),
        }),
      );
      continue;
    }
    const other = byModel.get(written.model);
    if (other !== undefined) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `experiments \`${other}\` and \`${name}\` both split model \`${written.model}\``, {
          where: at('model'),
          hint: 'one experiment per model at a time: a request can be in only one, or their results would mix',
        }),
      );
    }
    byModel.set(written.model, name);
    const arms: ExperimentArm[] = [];
    for (const [armName, arm] of Object.entries(written.arms)) arms.push(await resolveArm(name, armName, arm, model, context));
    const armNames = arms.map((a) => a.name);
    const split = resolveSplit(name, written.split, armNames, context);
    const sticky = written.sticky?.startsWith('header:')
      ? { kind: 'header' as const, name: written.sticky.slice('header:'.length).toLowerCase() }
      : { kind: 'user' as const };
    const metric: Experiment['metric'] = {};
    if (written.metric?.feedback) metric.feedback = written.metric.feedback;
    if (written.metric?.judge) {
      const grader = await resolveProviderEntry(written.metric.judge.grader, ['experiments', name, 'metric', 'judge', 'grader'], project, context);
      if (grader) metric.judge = { grader, rubric: written.metric.judge.rubric, sample: written.metric.judge.sample ?? 0.1 };
    }
    if (!metric.feedback && !metric.judge) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `experiment \`${name}\` has no outcome to compare`, {
          where: at(),
          hint: 'add `metric: { feedback: thumbs }` (clients post to /v1/feedback) and/or `metric: { judge: { grader, rubric } }`',
        }),
      );
    }
    resolved[name] = { name, model: written.model, arms, split, sticky, metric, alpha: written.alpha ?? 0.05 };
  }
  return resolved;
}

async function resolveArm(experiment: string, name: string, arm: ArmFile, model: VirtualModel, context: Context): Promise<ExperimentArm> {
  const path = ['experiments', experiment, 'arms', name];
  const resolved: ExperimentArm = { name };
  if (arm.candidate !== undefined) {
    const labels = model.candidates.map((c) => c.label);
    if (labels.includes(arm.candidate)) resolved.candidate = arm.candidate;
    else {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `arm \`${name}\` is served by \`${arm.candidate}\`, which is not a candidate of \`${model.name}\``, {
          where: context.source.locate([...path, 'candidate']),
          hint: suggestionHint(arm.candidate, labels, 'candidates'),
        }),
      );
    }
  }
  if (arm.prompt !== undefined) {
    const file = resolve(context.baseDir, arm.prompt);
    try {
      resolved.prompt = { file, text: await readFile(file, 'utf8') };
    } catch (error) {
      context.problems.add(fileError(error, file, `prompt of arm \`${name}\``, context.source.locate([...path, 'prompt'])));
    }
  }
  return resolved;
}

function resolveSplit(name: string, split: ExperimentFile['split'], arms: string[], context: Context): Experiment['split'] {
  if (split === 'bandit') return { kind: 'bandit' };
  if (split === undefined) return { kind: 'fixed', shares: Object.fromEntries(arms.map((arm) => [arm, 1 / arms.length])) };
  for (const arm of Object.keys(split)) {
    if (!arms.includes(arm)) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `split names \`${arm}\`, which is not an arm of \`${name}\``, {
          where: context.source.locate(['experiments', name, 'split', arm], { key: true }),
          hint: suggestionHint(arm, arms, 'arms'),
        }),
      );
    }
  }
  const missing = arms.filter((arm) => !Object.hasOwn(split, arm));
  const total = Object.values(split).reduce((a, b) => a + b, 0);
  if (missing.length > 0 || Math.abs(total - 1) > SHARE_TOLERANCE) {
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', `the split of \`${name}\` must give every arm a share and sum to 1 (sums to ${Number(total.toFixed(6))})`, {
        where: context.source.locate(['experiments', name, 'split']),
        hint: missing.length > 0 ? `add ${listNames(missing, 'and')}` : 'e.g. `{ control: 0.5, treatment: 0.5 }`',
      }),
    );
  }
  return { kind: 'fixed', shares: { ...split } };
}
