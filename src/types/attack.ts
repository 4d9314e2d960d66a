/** Security attack cells: what an attack test sends and what an attack cell keeps. Part of src/types.ts, which re-exports every part. */
import type { ChatMessage } from './model-call.js';

/** Severity of an attack template, lowest first. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
/** A severity as suites write it: `severityThreshold`, an attack's or a goal's `severity`. */
export type Severity = (typeof SEVERITIES)[number];

/** Rank of a severity (low 0 … critical 3), for threshold comparisons. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** What is known of an attack cell besides its verdict; stored with the cell (results column `attack`). */
export interface AttackInfo {
  /** The attack family: the `type` of its `attacks:` entry (prompt-injection, jailbreak, …). */
  family: string;
  /** How it attacks, within the family: `direct`, `indirect`, `role-play`, `encoding:base64`, `multi-turn`, … */
  strategy: string;
  /** Library template id (or `goal:<id>` parts joined with `/` for jailbreaks). */
  template: string;
  severity: Severity;
  /** OWASP Top 10 for LLM Applications (2025) ids, e.g. `LLM01:2025`. */
  owasp: string[];
  /** Jailbreak goal id, when the attack pursues a goal. */
  goal?: string;
  /** Converters applied to the payload, in order (`translate:fr` included). */
  converters?: string[];
  /** The highest success rate its `attacks:` entry tolerates (`maxSuccessRate`, default 0). */
  maxSuccessRate: number;
}

/** Multi-turn escalation (crescendo-style): each turn is one target call, graded before the next. */
export interface AttackTurns {
  /** Most target turns. */
  max: number;
  /** What the attacker is after, in words: the attacker model's brief. */
  goal: string;
  /** Scripted user turns: sent as they are, unless the attacker model writes the turns (and then shown to it). */
  script: string[];
  /** True when the suite's attacker model, if it has one, writes each turn (multi-turn escalation). */
  escalate: boolean;
  /** The app's user message template: each turn's text fills its `{{ input }}`. */
  template: string;
}

/** A converter the attacker model runs when the attack is sent: a translation, or the same request reworded. */
export type AttackRewrite = { kind: 'translate'; language: string } | { kind: 'rephrase' };

/** What the executor sends for one attack test. */
export interface AttackPlan extends AttackInfo {
  /**
   * The conversation sent to the target for a single-turn attack, system prompt (with planted canaries) first;
   * with `turns`, the opening messages (the system prompt) before the first turn.
   */
  messages: ChatMessage[];
  turns?: AttackTurns;
  /** Have the attacker model rewrite each turn's text before it is sent (needs `turns`). */
  rewrite?: AttackRewrite;
}

/** What an attack cell keeps: its info, the whole conversation (target answers included) and its turns. */
export interface AttackRecord extends AttackInfo {
  transcript: ChatMessage[];
  /** Target calls made (1 for a single-turn attack). */
  turns: number;
}
