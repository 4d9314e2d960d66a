/**
 * The attack tests of a family whose library is a list of requests sent as the user's message (the extraction
 * families): every template of a chosen strategy, in every payload variant, with the same detectors and the same
 * things planted beside the app's prompt.
 */
import type { LibraryTemplate } from './library.js';
import { sendPlan, type Planted } from './conversation.js';
import type { AttackContext, AttackTest } from './types.js';
import { payloadVariants } from './variants.js';

export function requestTests(
  family: string,
  templates: readonly LibraryTemplate[],
  encodings: Record<string, string>,
  context: Pick<AttackContext, 'target' | 'strategies' | 'converters'>,
  attack: { planted: Planted; assert: Array<Record<string, unknown>> },
): AttackTest[] {
  const tests: AttackTest[] = [];
  for (const template of templates) {
    if (!context.strategies.includes(template.strategy)) continue;
    for (const variant of payloadVariants(template.text, context.converters, encodings)) {
      const strategy = `${template.strategy}${variant.label}`;
      tests.push({
        id: [family, strategy, template.id].join('/'),
        description: `${template.title}${variant.label ? ` [${variant.converters.join(' → ')}]` : ''}`,
        vars: { attack: variant.text },
        assert: attack.assert,
        plan: {
          strategy,
          template: template.id,
          severity: template.severity,
          owasp: template.owasp,
          ...(variant.converters.length > 0 ? { converters: variant.converters } : {}),
          ...sendPlan(context.target, variant.text, variant.rewrite, attack.planted),
        },
      });
    }
  }
  return tests;
}
