/**
 * Security testing vocabulary. A suite's `attacks:` entries are compiled, at load time, into attack tests: each is
 * an ordinary test (vars, assertions that detect a successful attack) plus an {@link AttackPlan} saying what to send
 * to the target. The executor runs them against `target.provider` only; a cell whose detectors fail is a
 * successful attack (a "hit"). Plugins here import only types.ts and errors.ts.
 */
import type { AttackPlan, Severity } from '../types.js';

export { SEVERITIES, severityRank } from '../types.js';
export type { AttackInfo, AttackPlan, AttackRecord, AttackTurns, Severity } from '../types.js';

/** The target as the suite describes it: the app under attack. */
export interface AttackTarget {
  /** The app's system prompt (file contents already read). */
  system: string;
  /** Documents or records the app puts in the model's context (read from files); canaries are planted beside them. */
  context?: string;
  /** The app's user message template, with `{{ input }}` where the user's text goes; default `{{ input }}`. */
  prompt: string;
}

/** One test an attack family compiles: as a suite would write it, plus what to send. */
export interface AttackTest {
  /** Stable across runs: family/strategy/template(/goal)(+converters). */
  id: string;
  description: string;
  /** `attack`: the attacker's own text (detectors ignore what the attacker typed himself). */
  vars: Record<string, unknown>;
  /** Detectors: assertions as written in YAML (type, value, metric, grader), each passing when the attack failed. */
  assert: Array<Record<string, unknown>>;
  /** The plan without what the resolver adds from the `attacks:` entry (family, allowed rate). */
  plan: Omit<AttackPlan, 'family' | 'maxSuccessRate'>;
}

/** A jailbreak goal: what the attacker tries to get (user-written policy violations, or the built-in ones). */
export interface AttackGoal {
  id: string;
  /** The request, in the words an attacker would use. */
  goal: string;
  severity: Severity;
  /** A short noun phrase of the goal, for multi-turn scripts that build context first; default the goal. */
  topic?: string;
  /** Extra detectors for this goal (assertions as written), beside the judge. */
  detect?: Array<Record<string, unknown>>;
}

/** What a family's `compile` gets: the target and its `attacks:` entry, checked and defaulted. */
export interface AttackContext {
  target: AttackTarget;
  /** Strategies to run (the entry's, else the family's defaults), each one the family declares. */
  strategies: string[];
  /** Extra payload variants: each a converter chain (`translate:<language>` or `rephrase` only last). The plain payload always runs. */
  converters: string[][];
  /** Resolved goals (`goals:` of the entry, else the built-in ones); families without goals ignore them. */
  goals: AttackGoal[];
  /** Most target turns of a multi-turn conversation. */
  turns: number;
  /** Seed for canaries, so a suite plants the same tokens every run (and hits the cache). */
  seed: string;
}

/** An attack family: one file under src/attacks/, id = file name = the `type` of an `attacks:` entry. */
export interface AttackPlugin {
  id: string;
  /** One line for listings. */
  title: string;
  /** Every strategy the family knows; `encoding:*`-style prefixes end in `:`. */
  strategies: readonly string[];
  /** What runs when the entry names no `strategies`. */
  defaultStrategies: readonly string[];
  /** True when the family pursues goals (reads `goals:`). */
  usesGoals?: boolean;
  compile(context: AttackContext): Promise<AttackTest[]>;
}

/** Authoring helper: returns its argument, typed. */
export function defineAttack(plugin: AttackPlugin): AttackPlugin {
  return plugin;
}
