/**
 * `llmlab plan`'s lines for fine-tune recipes: the stages of each training point, what validating the data found
 * and the training cost, estimated before anything is sent (a point whose job already succeeded is reused, free).
 */
import type { ResolvedSuite } from '../config/types.js';
import { pointsToTrain, trainingUsd, type PreparedFinetunes } from '../engine/finetune-prepare.js';
import type { Plan } from '../engine/plan.js';
import type { Store } from '../store/index.js';
import { formatUsd as usd } from '../report/shared.js';


export function stageLines(suite: ResolvedSuite, plan: Plan, prepared: PreparedFinetunes, store: Store): string[] {
  const out: string[] = [];
  for (const recipe of suite.finetunes ?? []) {
    const report = prepared.reports.get(recipe.id)!;
    const c = report.counts;
    out.push(`  fine-tune ${recipe.id} (${recipe.backend}, ${recipe.method}, base ${recipe.base}):`);
    out.push(
      `    validate: ${n(c.train)} train / ${n(c.validation)} validation examples, ${n(c.trainTokens)} tokens; ` +
        `${n(c.exactDuplicates + c.nearDuplicates)} duplicates, ${n(c.secrets)} secrets, ${n(c.leakedTests)} leaked tests; ${n(report.warnings.length)} warnings`,
    );
    for (const warning of report.warnings.slice(0, 5)) out.push(`      warning ${warning.file}:${warning.line}: ${warning.message} [${warning.rule}]`);
    if (report.warnings.length > 5) out.push(`      … and ${report.warnings.length - 5} more warnings`);
    for (const point of prepared.points.filter((p) => p.recipeId === recipe.id)) {
      const job = store.finetunes.latest(point.hash);
      const stages = plan.stages.filter((s) => s.label === point.label).map((s) => s.kind).join(' → ');
      const state = job?.status === 'succeeded'
        ? `reused: ${job.jobId ?? 'job'} trained ${job.model ?? 'its model'}`
        : job && job.status !== 'failed' && job.status !== 'cancelled' && job.jobId
          ? `re-attaches to ${job.jobId} (${job.status})`
          : `≈ ${usd(point.estimatedUsd)} to train`;
      out.push(`    ${point.label}: ${stages} → cells; ${state}`);
    }
    const forgetting = (suite.forgetting ?? []).filter((s) => recipe.forgetting.includes(s.path)).map((s) => s.name);
    if (forgetting.length > 0) out.push(`    forgetting: ${forgetting.join(', ')} on ${recipe.base} and the tuned model${recipe.points.length > 1 ? 's' : ''}`);
  }
  out.push(`  training: ${usd(trainingUsd(pointsToTrain(prepared, store)))} estimated (tokens × epochs × the price profile's training price)`);
  return out;
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}
