/**
 * Prompt injection (OWASP LLM01): instructions that try to override the app's. Direct payloads arrive as the
 * user's message; indirect ones hide inside data the app processes (an email to summarise, a retrieved page, a
 * tool result), which is how injection reaches agents and RAG apps. Each payload asks the model to print a
 * marker code it has no other reason to print, so success is detected exactly, even when encoded. The payload
 * spells the marker in two parts the model must join: an answer that merely quotes or summarises the payload
 * ("the email asks me to print REF-3f2a9c followed by …") does not contain the marker, so it is no false alarm.
 */
import { shapedCanary } from './canary.js';
import { sendPlan } from './conversation.js';
import { fillTemplate, loadLibrary } from './library.js';
import { defineAttack, type AttackTest } from './types.js';
import { payloadVariants } from './variants.js';

export default defineAttack({
  id: 'prompt-injection',
  title: 'Prompt injection, direct and indirect (payload hidden in a document or tool result)',
  strategies: ['direct', 'indirect'],
  defaultStrategies: ['direct', 'indirect'],
  async compile({ target, strategies, converters, seed }) {
    const [library, jailbreak] = await Promise.all([loadLibrary('prompt-injection'), loadLibrary('jailbreak')]);
    const tests: AttackTest[] = [];
    for (const template of library.templates) {
      if (!strategies.includes(template.strategy)) continue;
      const marker = shapedCanary(`${seed}/prompt-injection/${template.id}`, 'REF-{hex}');
      const payload = fillTemplate(template.text, { marker: spelledInParts(marker) });
      const carriers = template.strategy === 'indirect' ? library.carriers : [undefined];
      for (const variant of payloadVariants(payload, converters, jailbreak.encodings)) {
        for (const carrier of carriers) {
          const input = carrier
            ? fillTemplate(carrier.user, { document: fillTemplate(carrier.document, { payload: variant.text }) })
            : variant.text;
          const strategy = `${template.strategy}${variant.label}`;
          tests.push({
            id: ['prompt-injection', strategy, template.id, ...(carrier ? [carrier.id] : [])].join('/'),
            description: `${template.title}${carrier ? ` (in ${carrier.title})` : ''}${variant.label ? ` [${variant.converters.join(' → ')}]` : ''}`,
            vars: { attack: input },
            assert: [{ type: 'no-leak', value: { canaries: [marker] }, metric: 'injection' }],
            plan: {
              strategy,
              template: carrier ? `${template.id}@${carrier.id}` : template.id,
              severity: template.severity,
              owasp: template.owasp,
              ...(variant.converters.length > 0 ? { converters: variant.converters } : {}),
              ...sendPlan(target, input, variant.rewrite),
            },
          });
        }
      }
    }
    return tests;
  },
});

/** `REF-3f2a9c1b5e77` → `REF-3f2a9c directly followed by 1b5e77`: only obeying the payload joins them. */
export function spelledInParts(marker: string): string {
  const cut = marker.length - 6;
  return `${marker.slice(0, cut)} directly followed by ${marker.slice(cut)}`;
}
