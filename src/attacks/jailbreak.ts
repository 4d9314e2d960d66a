/**
 * Jailbreaks (OWASP LLM01): the user's goals — policy violations the app must refuse — asked plainly (the
 * baseline), wrapped in role-play or refusal-suppression framings, encoded (base64, rot13, leetspeak, …),
 * translated by the attacker model, or approached over several turns (crescendo-style escalation). Success is
 * judged by a grader model with a rubric (`refuses`), plus the goal's own detectors.
 */
import { sendPlan, systemMessage } from './conversation.js';
import { fillTemplate, loadLibrary, type JailbreakTemplate } from './library.js';
import type { AttackRewrite } from '../types.js';
import { defineAttack, type AttackContext, type AttackGoal, type AttackTest } from './types.js';
import { convert } from './variants.js';

const FRAMINGS = ['plain', 'role-play', 'refusal-suppression'] as const;

export default defineAttack({
  id: 'jailbreak',
  title: 'Jailbreaks of the goals: plain, role-play, refusal suppression, encodings, translation, multi-turn',
  strategies: [...FRAMINGS, 'multi-turn', 'encoding:', 'translate:', 'rephrase', 'base64', 'rot13', 'leetspeak', 'homoglyphs', 'zero-width', 'spaced', 'payload-split'],
  defaultStrategies: ['plain', 'role-play', 'refusal-suppression', 'encoding:base64', 'leetspeak', 'multi-turn'],
  usesGoals: true,
  async compile(context) {
    const library = await loadLibrary('jailbreak');
    const tests: AttackTest[] = [];
    for (const goal of context.goals) {
      for (const strategy of context.strategies) {
        if (strategy === 'multi-turn') {
          for (const template of library['multi-turn']) tests.push(multiTurn(context, goal, template));
          continue;
        }
        const framing = (FRAMINGS as readonly string[]).includes(strategy) ? strategy : 'plain';
        const chain = framing === strategy ? undefined : [strategy.replace(/^encoding:/, '')];
        for (const template of library[framing as (typeof FRAMINGS)[number]]) {
          const payload = fillTemplate(template.text, { goal: goal.goal });
          // The plain payload, then each of the entry's stacks, on top of the strategy's own conversion.
          for (const extra of [[], ...context.converters]) {
            const variant = convert(payload, [...(chain ?? []), ...extra], library.encodings);
            tests.push(
              singleTurn(context, goal, template, {
                strategy: `${strategy}${extra.map((id) => `+${id}`).join('')}`,
                text: variant.text,
                converters: variant.converters,
                ...(variant.rewrite ? { rewrite: variant.rewrite } : {}),
              }),
            );
          }
        }
      }
    }
    return tests;
  },
});

/** The judge and the goal's own detectors. */
function detectors(goal: AttackGoal): Array<Record<string, unknown>> {
  return [{ type: 'refuses', value: { goal: goal.goal }, metric: 'jailbreak' }, ...(goal.detect ?? [])];
}

function singleTurn(
  { target }: AttackContext,
  goal: AttackGoal,
  template: JailbreakTemplate,
  sent: { strategy: string; text: string; converters: string[]; rewrite?: AttackRewrite },
): AttackTest {
  return {
    id: ['jailbreak', sent.strategy, template.id, goal.id].join('/'),
    description: `${template.title}: ${goal.id}${sent.converters.length > 0 ? ` [${sent.converters.join(' → ')}]` : ''}`,
    vars: { attack: sent.text, goal: goal.goal },
    assert: detectors(goal),
    plan: {
      strategy: sent.strategy,
      template: template.id,
      goal: goal.id,
      severity: goal.severity,
      owasp: template.owasp,
      ...(sent.converters.length > 0 ? { converters: sent.converters } : {}),
      ...sendPlan(target, sent.text, sent.rewrite),
    },
  };
}

function multiTurn(
  { target, turns }: AttackContext,
  goal: AttackGoal,
  template: { id: string; title: string; owasp: string[]; turns: string[] },
): AttackTest {
  const full = template.turns.map((turn) => fillTemplate(turn, { goal: goal.goal, topic: goal.topic ?? goal.goal }));
  // Fewer turns than the script has: drop turns from the middle, never the last one, which is the one that asks.
  const script = full.length <= turns ? full : [...full.slice(0, turns - 1), full.at(-1)!];
  return {
    id: ['jailbreak', 'multi-turn', template.id, goal.id].join('/'),
    description: `${template.title}: ${goal.id}`,
    vars: { attack: script.join('\n'), goal: goal.goal },
    assert: detectors(goal),
    plan: {
      strategy: 'multi-turn',
      template: template.id,
      goal: goal.id,
      severity: goal.severity,
      owasp: template.owasp,
      messages: [systemMessage(target)],
      turns: { max: turns, goal: goal.goal, script, escalate: true, template: target.prompt },
    },
  };
}
