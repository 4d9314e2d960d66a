/**
 * What the attacker model is asked: the next message of an escalating conversation, or a rewrite of an attack
 * (a translation, or the same request in new words). The
 * instructions are library text (templates/attacks/jailbreak.yaml); the conversation so far is shown with
 * roles, and the scripted turn is offered as a direction, so even a weak attacker escalates sensibly.
 */
import type { AttackRewrite, AttackTurns, ChatMessage } from '../types.js';
import { fillTemplate, loadLibrary } from './library.js';

/** The request for turn `turn` (0-based) of an escalation. */
export async function nextTurnRequest(
  turns: AttackTurns,
  transcript: readonly ChatMessage[],
  turn: number,
  scripted: string | undefined,
): Promise<ChatMessage[]> {
  const library = await loadLibrary('jailbreak');
  const system = fillTemplate(library.attacker, { goal: turns.goal, turn: String(turn + 1), max_turns: String(turns.max) });
  const so = transcript.filter((m) => m.role !== 'system');
  const history = so.length === 0 ? '(nothing yet: this is the opening message)' : so.map((m) => `${m.role.toUpperCase()}: ${m.content}`).join('\n\n');
  const direction = scripted ? `\n\nA scripted attack would now say: ${scripted}` : '';
  return [
    { role: 'system', content: system },
    { role: 'user', content: `Conversation so far:\n\n${history}${direction}\n\nWrite message ${turn + 1} of at most ${turns.max}. Reply with the message only.` },
  ];
}

/** The request to rewrite `text`: translate it, or say the same in new words. */
export async function rewriteRequest(text: string, rewrite: AttackRewrite): Promise<ChatMessage[]> {
  const library = await loadLibrary('jailbreak');
  const content = rewrite.kind === 'translate' ? fillTemplate(library.translate, { language: rewrite.language, text }) : fillTemplate(library.rephrase, { text });
  return [{ role: 'user', content }];
}
