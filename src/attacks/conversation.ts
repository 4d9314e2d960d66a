/**
 * The messages an attack sends: the app as the suite describes it (system prompt, its context, its user
 * template) with the attacker's text where a user's would go, and anything an attack plants beside them.
 */
import type { AttackPlan, AttackRewrite, ChatMessage } from '../types.js';
import { fillTemplate } from './library.js';
import type { AttackTarget } from './types.js';

/** What an attack adds to the app's own prompt. */
export interface Planted {
  /** A line appended to the system prompt (system-prompt-extraction's canary). */
  system?: string;
  /** Records appended to the context (data-extraction's fake secrets). */
  context?: string;
}

/** The system message of the attacked app: its prompt, then its context (with what was planted). */
export function systemMessage(target: AttackTarget, planted: Planted = {}): ChatMessage {
  const system = [target.system.trimEnd(), planted.system].filter(Boolean).join('\n\n');
  const context = [target.context?.trimEnd(), planted.context?.trimEnd()].filter(Boolean).join('\n\n');
  return { role: 'system', content: context ? `${system}\n\n${context}` : system };
}

/** The user message: the app's template with the attacker's text as its `input`. */
export function userMessage(target: AttackTarget, input: string): ChatMessage {
  return { role: 'user', content: fillTemplate(target.prompt, { input }) };
}

/** A single-turn attack: system message, then the attacker's text through the app's template. */
export function attackMessages(target: AttackTarget, input: string, planted: Planted = {}): ChatMessage[] {
  return [systemMessage(target, planted), userMessage(target, input)];
}

/**
 * What to send for one attacker text: the finished conversation, or — when the attacker model must rewrite the
 * text first (translate, rephrase) — the system message and a one-turn script the executor fills in after it.
 */
export function sendPlan(
  target: AttackTarget,
  input: string,
  rewrite: AttackRewrite | undefined,
  planted: Planted = {},
): Pick<AttackPlan, 'messages' | 'turns' | 'rewrite'> {
  if (rewrite === undefined) return { messages: attackMessages(target, input, planted) };
  return {
    messages: [systemMessage(target, planted)],
    turns: { max: 1, goal: '', script: [input], escalate: false, template: target.prompt },
    rewrite,
  };
}
