/**
 * `target` + `attacks` (+ `attacker`) → ResolvedSecurity. Each entry is checked (family, strategies,
 * converters, goals), compiled by its family into attack tests, and their detector assertions are resolved like
 * any test's, so a `refuses` judge, a custom `detect` metric or a user metric behave exactly as in `tests:`.
 */
import { resolve } from 'node:path';
import { attackTypes, isAttackType, knowsStrategy, loadAttackPlugin, loadUserAttack } from '../attacks/index.js';
import { CONVERTER_IDS } from '../attacks/converters/index.js';
import { loadLibrary } from '../attacks/library.js';
import type { AttackGoal, AttackPlugin } from '../attacks/types.js';
import { chainProblem, needsAttacker } from '../attacks/variants.js';
import { drawSeeded } from '../datasets/benchmark.js';
import { LlmlabError } from '../errors.js';
import type { Assertion, TestCase } from '../types.js';
import type { AttackFile, GoalFile, ProjectConfig, ResolvedProvider, ResolvedSecurity, SuiteFile } from './types.js';
import { checkBuiltIn } from './check-value.js';
import { addSource } from './context.js';
import type { ResolveContext } from './context.js';
import { suggestionHint } from './did-you-mean.js';
import type { Locate } from './problems.js';
import { AssertionResolver, type JudgeSetup } from './resolve-assertions.js';
import { resolveGrader } from './resolve-graders.js';
import { resolveTarget, type ResolvedTarget } from './resolve-target.js';
import { readYamlFile, type PathSegment } from './yaml-source.js';

const DEFAULT_TURNS = 5;

/**
 * Resolves the suite's security section. A target of its own is appended to `providers` (it needs an
 * instance like any provider). Problems are recorded in the context.
 */
export async function resolveSecurity(
  suite: SuiteFile,
  providers: ResolvedProvider[],
  project: ProjectConfig,
  context: ResolveContext,
  judges: JudgeSetup,
): Promise<ResolvedSecurity | undefined> {
  const locate = context.source.locate;
  if (suite.attacks === undefined && suite.target === undefined) return undefined;
  if (suite.target === undefined || suite.attacks === undefined) {
    const [has, lacks] = suite.target === undefined ? ['attacks', 'target'] : ['target', 'attacks'];
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', `the suite has \`${has}\` but no \`${lacks}\``, {
        where: locate([has], { key: true }),
        hint: 'security testing needs both: `target: { provider, system }` (the app attacked) and `attacks: [{ type: prompt-injection }, …]`',
      }),
    );
    return undefined;
  }
  const target = await resolveTarget(suite.target, providers, project, context);
  const attacker = await resolveGrader(suite.attacker, ['attacker'], { ...context, project });
  if (!target) return undefined;
  if (target.targetOnly) providers.push(target.provider);
  // Refusals are judged by the suite's grader; without one, the attacker model is the judge.
  const judgeSetup: JudgeSetup = attacker && !judges.defaults.grader ? { ...judges, defaults: { ...judges.defaults, grader: attacker } } : judges;
  const assertions = new AssertionResolver(context.problems, context.metrics, judgeSetup);
  const tests: TestCase[] = [];
  const ids = new Set<string>();
  for (const [i, entry] of suite.attacks.entries()) {
    const compiled = await compileEntry(entry, i, target, attacker !== undefined, { judges: judgeSetup, assertions }, context);
    if (!compiled) continue;
    const at: Locate = () => locate(['attacks', i]);
    const detect = await assertions.resolveAll(entry.detect, { path: ['attacks', i, 'detect'], locate, code: 'CONFIG_INVALID', baseDir: context.baseDir });
    for (const test of compiled.tests) {
      const before = context.problems.size;
      const own = await assertions.resolveAll(test.assert as never, { path: [], locate: at, code: 'CONFIG_INVALID', baseDir: context.baseDir });
      // A problem with generated detectors (a missing grader) would repeat for every test: say it once.
      if (context.problems.size > before) break;
      let id = test.id;
      for (let n = 2; ids.has(id); n++) id = `${test.id}#${n}`;
      ids.add(id);
      tests.push({
        id,
        index: tests.length,
        description: test.description,
        vars: test.vars,
        assert: [...own, ...detect],
        attack: {
          ...test.plan,
          // The family's own id: a `file:` family reports under its name, not its path.
          family: compiled.family,
          maxSuccessRate: entry.maxSuccessRate ?? 0,
          ...(entry.severity ? { severity: entry.severity } : {}),
        },
      });
    }
  }
  return {
    target: target.provider.label,
    targetOnly: target.targetOnly,
    ...(attacker ? { attacker: judges.graders.add(attacker) } : {}),
    tests,
  };
}

/** One entry's attack tests, after its checks; undefined when it has a problem (recorded). */
async function compileEntry(
  entry: AttackFile,
  i: number,
  target: ResolvedTarget,
  hasAttacker: boolean,
  { judges, assertions }: { judges: JudgeSetup; assertions: AssertionResolver },
  context: ResolveContext,
): Promise<{ family: string; tests: Awaited<ReturnType<AttackPlugin['compile']>> } | undefined> {
  const at = (...path: PathSegment[]) => context.source.locate(['attacks', i, ...path]);
  const problem = (message: string, where: ReturnType<typeof at>, hint: string) =>
    context.problems.add(new LlmlabError('CONFIG_INVALID', message, { where, hint }));
  let plugin: AttackPlugin;
  if (entry.type.startsWith('file:')) {
    const module = resolve(context.baseDir, entry.type.slice(5).trim());
    try {
      plugin = await loadUserAttack(module);
    } catch (error) {
      const e = error as LlmlabError;
      problem(e.message, at('type'), e.hint ?? 'check the module');
      return undefined;
    }
    addSource(context, module);
  } else if (isAttackType(entry.type)) {
    plugin = await loadAttackPlugin(entry.type);
  } else {
    problem(`unknown attack type \`${entry.type}\``, at('type'), `${suggestionHint(entry.type, attackTypes, 'attack types')}; or \`file:<module>\` for your own`);
    return undefined;
  }
  let ok = true;
  const strategies = entry.strategies ?? [...plugin.defaultStrategies];
  for (const [j, strategy] of strategies.entries()) {
    const chain = strategy.startsWith('encoding:') ? [strategy.slice(9)] : strategy.startsWith('translate:') ? [strategy] : undefined;
    const wrong = !knowsStrategy(plugin, strategy) ? `unknown ${plugin.id} strategy \`${strategy}\`` : chain && chainProblem(chain);
    if (wrong) {
      ok = false;
      problem(wrong, at('strategies', j), `${plugin.id} strategies: ${plugin.strategies.map((s) => (s.endsWith(':') ? `${s}<…>` : s)).join(', ')}`);
    } else if (needsAttacker([[strategy.replace(/^encoding:/, '')]]) && entry.converters !== undefined) {
      // The entry's converters stack after the strategy's own conversion, and the attacker's rewrite must come last.
      ok = false;
      problem(
        `strategy \`${strategy}\` cannot take the entry's \`converters\`: it runs on the attacker model when the attack is sent, so it comes last in a stack`,
        at('strategies', j),
        `drop the strategy and write the stacks as converters, with it last, e.g. \`converters: [${strategy}, [base64, ${strategy}]]\``,
      );
    }
  }
  const converters = (entry.converters ?? []).map((c) => (typeof c === 'string' ? [c] : c));
  for (const [j, chain] of converters.entries()) {
    const wrong = chainProblem(chain);
    if (wrong) {
      ok = false;
      problem(wrong, at('converters', j), `converters: ${[...CONVERTER_IDS, 'translate:<language>', 'rephrase'].join(', ')}`);
    }
  }
  // Translation and rephrasing run on the attacker model: point at the first converter or strategy that needs it.
  const rewriting = converters.findIndex((chain) => needsAttacker([chain]));
  const rewritingStrategy = strategies.findIndex((s) => needsAttacker([[s.replace(/^encoding:/, '')]]));
  if (!hasAttacker && (rewriting !== -1 || rewritingStrategy !== -1)) {
    ok = false;
    const name = rewriting !== -1 ? converters[rewriting]!.at(-1)! : strategies[rewritingStrategy]!;
    problem(
      `\`${name}\` runs on the attacker model, and the suite has none`,
      rewriting !== -1 ? at('converters', rewriting) : at('strategies', rewritingStrategy),
      'add `attacker: openai:gpt-4o-mini` (any chat model) at the top of the suite, or drop it',
    );
  }
  if (entry.goals !== undefined && !plugin.usesGoals) {
    ok = false;
    problem(`\`goals\` on a ${plugin.id} attack, which pursues none`, at('goals'), 'goals are what a jailbreak tries to get: move them to a `type: jailbreak` entry');
  }
  if (plugin.usesGoals && !judges.defaults.grader) {
    ok = false;
    problem(
      `${plugin.id} attacks are judged by a grader model, and none is configured`,
      at('type'),
      'add `grader: openai:gpt-4o-mini` (or `attacker:`, which then judges too) at the top of the suite or in llmlab.config.yaml; offline: `grader: mock` scripted with {"complied": false, "reason": "…"}',
    );
  }
  const goals = plugin.usesGoals ? await resolveGoals(entry.goals, i, context, assertions) : [];
  if (!ok || goals === undefined) return undefined;
  const tests = await plugin.compile({
    target: target.app,
    strategies,
    converters,
    goals,
    turns: entry.turns ?? DEFAULT_TURNS,
    seed: `${target.app.system}\0${target.app.context ?? ''}`,
  });
  return { family: plugin.id, tests: entry.limit === undefined ? tests : keepOrder(tests, drawSeeded(tests, entry.limit, 1234)) };
}

function keepOrder<T>(all: readonly T[], kept: readonly T[]): T[] {
  const set = new Set(kept);
  return all.filter((t) => set.has(t));
}

/** The entry's goals (inline or `file:`), else the built-in ones; undefined when they have a problem (recorded). */
async function resolveGoals(
  written: AttackFile['goals'],
  i: number,
  context: ResolveContext,
  assertions: AssertionResolver,
): Promise<AttackGoal[] | undefined> {
  if (written === undefined) return (await loadLibrary('goals')).goals;
  if (Array.isArray(written)) {
    return (await checkGoals(written, ['attacks', i, 'goals'], context.source.locate, context, assertions)) ? written.map(toGoal) : undefined;
  }
  const file = resolve(context.baseDir, written.slice(5).trim());
  let source;
  try {
    source = await readYamlFile(file, { what: 'goals file', referencedAt: context.source.locate(['attacks', i, 'goals']) });
  } catch (error) {
    context.problems.add(error as LlmlabError);
    return undefined;
  }
  addSource(context, file);
  const problems = checkBuiltIn('suite:attackGoals', source.value, { subject: 'the goals file' });
  if (problems.length > 0) {
    context.problems.addProblems(problems, 'CONFIG_INVALID', source.locate);
    return undefined;
  }
  const goals = source.value as GoalFile[];
  return (await checkGoals(goals, [], source.locate, context, assertions)) ? goals.map(toGoal) : undefined;
}

/**
 * Goal ids must differ (they name the tests and the report's rows), and a goal's detectors are checked here, so a
 * mistake in one is reported where the goal is written (in the goals file, for a file) rather than at the entry.
 */
async function checkGoals(
  goals: readonly GoalFile[],
  path: PathSegment[],
  locate: Locate,
  context: ResolveContext,
  assertions: AssertionResolver,
): Promise<boolean> {
  const before = context.problems.size;
  const seen = new Set<string>();
  for (const [g, goal] of goals.entries()) {
    if (seen.has(goal.id)) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `the goal id \`${goal.id}\` is used twice`, {
          where: locate([...path, g, 'id']),
          hint: 'goal ids name the attack tests and the report rows: give each goal its own',
        }),
      );
    }
    seen.add(goal.id);
    await assertions.resolveAll(goal.detect, { path: [...path, g, 'detect'], locate, code: 'CONFIG_INVALID', baseDir: context.baseDir });
  }
  return context.problems.size === before;
}

function toGoal(goal: GoalFile): AttackGoal {
  return {
    id: goal.id,
    goal: goal.goal,
    severity: goal.severity ?? 'high',
    ...(goal.topic ? { topic: goal.topic } : {}),
    ...(goal.detect ? { detect: goal.detect as unknown as Array<Record<string, unknown>> } : {}),
  };
}

/** Every assertion of the attack tests, for the checks that look at all of a suite's assertions. */
export function attackAssertions(security: ResolvedSecurity | undefined): Assertion[] {
  return security ? security.tests.flatMap((t) => t.assert) : [];
}
