/** `llmlab plan`: the DAG's size, what is cached, and estimated tokens and cost — without calling anything. */
import { relative } from 'node:path';
import type { ResolvedSuite } from '../config/types.js';
import type { Budget } from '../suite-settings.js';
import { loadSuite } from '../config/load-suite.js';
import { estimatePlan, type ProviderEstimate } from '../engine/estimate-suite.js';
import { estimateJudges, JUDGE_INSTRUCTION_TOKENS } from '../engine/estimate-judges.js';
import { createProviders } from '../engine/instances.js';
import { pointsToTrain, prepareFinetunes, trainingUsd } from '../engine/finetune-prepare.js';
import { finetuneWorkDir } from '../engine/finetune-train.js';
import { checkTemplates, createPlan, type Plan } from '../engine/plan.js';
import { openRunMedia, prepareMediaFor, preparePromptMedia } from '../engine/media-check.js';
import { stageLines } from './plan-stages.js';
import { LlmlabError } from '../errors.js';
import { usd } from '../report/console/table.js';
import { parseBudgetUsd } from './budget-line.js';
import { positiveInt, suitePaths } from './context.js';
import { parseShard, shardContext } from './shard-flag.js';
import { resolveSubset } from '../engine/subset.js';
import { parseSubsetFlags, type SubsetFlagValues } from './subset-flags.js';
import { subsetLine } from '../report/model/subset.js';
import type { CliIo } from './io.js';
import { printNotices } from './suite-notices.js';

/** `llmlab plan`'s flags: the subset flags, as `llmlab eval` takes them, select the same cells. */
interface PlanFlags extends SubsetFlagValues {
  repeat?: string;
  db?: string;
  budgetUsd?: string;
  shard?: string;
}

export async function planCommand(args: string[], flags: PlanFlags, io: CliIo): Promise<number> {
  const shard = parseShard(flags.shard);
  const subsetFlags = parseSubsetFlags(flags);
  if (subsetFlags && shard) {
    throw new LlmlabError('USAGE', '--shard does not take a subset (--filter, --first, --failing, …)', { hint: 'plan the subset whole: it is part of the suite already' });
  }
  // The shard's own database, as `llmlab eval --shard` would use: its cache decides what is cached.
  const ctx = await shardContext(flags, shard, io);
  const repeat = positiveInt(flags.repeat, '--repeat');
  const budgetUsd = parseBudgetUsd(flags.budgetUsd);
  for (const path of await suitePaths(args, ctx.project, io.cwd)) {
    const suite = await loadSuite(path, ctx.project);
    printNotices(suite, io);
    // Content parts written as file:/data: are hashed into the store as `llmlab eval` would, so keys match its.
    const media = openRunMedia(ctx.store().path, ctx.project.db, suite.mediaMaxEdge);
    const whole = createPlan(suite, { repeat, media });
    // Only --failing reads the database.
    const subset = subsetFlags && resolveSubset(whole, subsetFlags, subsetFlags.failing === undefined ? undefined : ctx.store());
    const plan = shard ? createPlan(suite, { repeat, shard, media }) : subset ? createPlan(suite, { repeat, subset, media }) : whole;
    await preparePromptMedia(plan);
    checkTemplates(plan);
    // Fine-tune data is validated here as in eval: an error exits 2 before anything is estimated.
    const store = ctx.store();
    const prepared = await prepareFinetunes(suite, { workDir: finetuneWorkDir(store.path), env: ctx.env });
    const providers = await createProviders(suite, ctx.env);
    await prepareMediaFor(plan, providers, media);
    const out: string[] = [
      `plan for ${relative(io.cwd, suite.path)}${suite.description ? ` — ${suite.description}` : ''}`,
      ...cellLines(suite, whole),
      ...(subset ? [`  ${subsetLine({ flags: subset.flags, cells: plan.totalCells, suiteCells: whole.totalCells })}`] : []),
      ...(shard ? [`  shard ${shard.index}/${shard.count}: ${plan.totalCells} of ${whole.totalCells} cells (chosen by a hash of each cell's identity; the same on every machine)`] : []),
      `  nodes: ${plan.nodeCounts.generate} generate, ${plan.nodeCounts.grade} grade` +
        (plan.nodeCounts.judge > 0 ? `, ${plan.nodeCounts.judge} judge (grader and embedder calls, after the generation they grade)` : ''),
    ];
    if (prepared) out.push(...stageLines(suite, plan, prepared, store));
    const estimates = await estimatePlan(plan, providers, (key) => store.cache.get(key) !== undefined);
    out.push(...estimates.map(formatEstimate));
    const cached = estimates.reduce((n, e) => n + e.cached, 0);
    const low = estimates.reduce((n, e) => n + e.lowUsd, 0);
    const worst = estimates.reduce((n, e) => n + e.worstUsd, 0);
    out.push(`  cached: ${cached} of ${plan.totalCells} cells (excluded from the estimate)`);
    // Judges are billed too: their calls and a worst case, since their input depends on the answers.
    const judges = plan.nodeCounts.judge > 0 ? estimateJudges(plan) : [];
    for (const judge of judges) {
      out.push(`  judge ${judge.id}: ${judge.calls} calls; ≤ ${usd(judge.worstUsd)}${judge.priced ? '' : ' (no price: counts as $0)'} (assumed: each answer at its output bound + ${JUDGE_INSTRUCTION_TOKENS} tokens of instructions)`);
    }
    const judgeWorst = judges.reduce((n, j) => n + j.worstUsd, 0);
    const training = prepared ? trainingUsd(pointsToTrain(prepared, store)) : 0;
    out.push(
      `  estimated cost: ${usd(low)}–${usd(worst)}` +
        (judges.length > 0 ? ` for generation, plus ≤ ${usd(judgeWorst)} for judge calls` : '') +
        (prepared ? `, plus ${usd(training)} for training` : ''),
    );
    for (const model of suite.unpriced ?? []) out.push(`  no price for ${model}: its cost counts as $0`);
    const budget = budgetUsd === undefined ? suite.budget : { onExceed: 'stop' as const, ...suite.budget, maxUsd: budgetUsd };
    out.push(...budgetLines(budget, worst + training, estimates, suite.providers));
    io.stdout.write(`${out.join('\n')}\n`);
  }
  return 0;
}

/**
 * How the cells add up: providers × prompts × tests × repeats, plus the attack cells, which run on the target
 * alone. A multi-turn attack is one cell of several calls, so it is said separately.
 */
function cellLines(suite: ResolvedSuite, plan: Plan): string[] {
  const security = suite.security;
  const testedBy = suite.providers.length - (security?.targetOnly ? 1 : 0);
  const grid = `${count(testedBy, 'provider')} × ${count(plan.prompts.length, 'prompt')} × ${count(suite.tests.length, 'test')} × ${count(plan.repeat, 'repeat')}`;
  const forgetting = (suite.forgetting ?? []).map((s) => ({ s, cells: s.tests.length * s.prompts.length * plan.repeat * s.providers.length }));
  if (forgetting.length > 0 && !security) {
    const own = plan.totalCells - forgetting.reduce((n, f) => n + f.cells, 0);
    const parts = forgetting.map(({ s, cells }) => `${cells} of forgetting suite ${s.name} (on ${s.providers.join(', ')})`);
    return [`  cells: ${plan.totalCells} = ${own} (${grid}) + ${parts.join(' + ')}`];
  }
  if (!security) return [`  cells: ${plan.totalCells} (${grid})`];
  const attackCells = security.tests.length * plan.repeat;
  const attacks = `${count(attackCells, 'attack cell')} on ${security.target} (${count(security.tests.length, 'attack test')} × ${count(plan.repeat, 'repeat')})`;
  const testCells = plan.totalCells - attackCells;
  const lines = [testCells === 0 ? `  cells: ${attacks}` : `  cells: ${plan.totalCells} = ${testCells} (${grid}) + ${attacks}`];
  const conversations = security.tests.filter((t) => t.attack?.turns?.escalate);
  if (conversations.length > 0) {
    const turns = conversations.map((t) => t.attack!.turns!);
    const writer = security.attacker ? 'the attacker model writes up to' : 'scripted,';
    const most = Math.max(...turns.map((t) => (security.attacker ? t.max : Math.min(t.max, t.script.length))));
    lines.push(
      `  multi-turn: ${count(conversations.length, 'conversation')}, ${writer} ${count(most, 'turn')} each; every turn is a call ` +
        '(counted below), and a conversation stops at its first successful turn',
    );
  }
  return lines;
}

function formatEstimate(e: ProviderEstimate): string {
  const tokens = `~${e.inputTokens} input tokens (${e.method === 'tokenizer' ? 'tokenizer' : 'approx. 4 chars/token'})`;
  const output = `output ≤ ${e.outputPerCall}${e.outputAssumed ? ' (assumed: no maxTokens)' : ''} tokens per call`;
  const cost = e.priced ? `${usd(e.lowUsd)}–${usd(e.worstUsd)}` : 'no price: cost counted as $0';
  return `  ${e.label}: ${e.calls} calls to make, ${e.cached} cached; ${tokens}; ${output}; ${cost}`;
}

/** Whether the budget covers the worst case: the run's limit, and each perProvider limit. */
function budgetLines(
  budget: Budget | undefined,
  worst: number,
  estimates: readonly ProviderEstimate[],
  providers: readonly { label: string; id: string }[],
): string[] {
  if (!budget) return [];
  const lines: string[] = [];
  const check = (name: string, limit: number, worstCase: number) =>
    worstCase <= limit
      ? `  ${name}budget ${usd(limit)} covers the worst case ${usd(worstCase)}`
      : `  ${name}may stop: worst case ${usd(worstCase)} > budget ${usd(limit)}`;
  if (budget.maxUsd !== undefined) lines.push(check('', budget.maxUsd, worst));
  for (const [key, limit] of Object.entries(budget.perProvider ?? {})) {
    const matching = estimates.filter((e, i) => e.label === key || providers[i]?.id === key);
    lines.push(check(`${key}: `, limit, matching.reduce((n, e) => n + e.worstUsd, 0)));
  }
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
