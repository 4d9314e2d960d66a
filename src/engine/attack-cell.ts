/**
 * Attack cells that take more than one call: a multi-turn escalation (crescendo-style), where each turn is one
 * target call graded before the next, and a rewritten attack, where the attacker model first translates or
 * rephrases the message. Every call takes the usual paths (cache, budget, limits), so a resumed or repeated run replays a
 * conversation from the cache turn by turn. The conversation ends at the first turn the detectors call a
 * successful attack, or after the last turn.
 */
import { messageOf } from '../errors.js';
import { nextTurnRequest, rewriteRequest } from '../attacks/attacker-prompts.js';
import { fillTemplate } from '../attacks/library.js';
import { isPlainRefusal } from '../detectors/refusal.js';
import type { AttackPlan, AttackRecord, CellResult, ChatMessage, GenerateResult, TokenUsage } from '../types.js';
import { BUDGET_REFUSED } from './budget-gate.js';
import type { Verdict } from './grade.js';
import type { TargetCall } from './target-call.js';

/** What a conversation needs from the executor. */
export interface ConversationIo {
  /** The cell's coordinates, as every result of it carries. */
  base: Omit<CellResult, 'output' | 'status' | 'score' | 'assertions' | 'latencyMs' | 'cost' | 'cached'>;
  /** A skipped-by-budget result with what was done so far. */
  skipped(extra: Partial<CellResult>, worst: number): CellResult;
  /** Asks the attacker model; absent when the suite has none (scripted turns are used). */
  attacker?: (messages: ChatMessage[]) => Promise<{ output: string; cost: number }>;
  /** One target call with the conversation so far. */
  send(messages: ChatMessage[]): Promise<TargetCall | undefined>;
  grade(output: string, prompt: string, result: GenerateResult): Promise<Verdict>;
  aborted(): boolean;
}

export async function runConversation(plan: AttackPlan, io: ConversationIo): Promise<CellResult | undefined> {
  const { messages: opening, turns: escalation, rewrite: _rewrite, ...info } = plan;
  const transcript: ChatMessage[] = [...opening];
  const spent = { cost: 0, latencyMs: 0, usage: undefined as TokenUsage | undefined, cached: true, turns: 0 };
  const record = (): { attack: AttackRecord } => ({ attack: { ...info, transcript: [...transcript], turns: spent.turns } });
  const sums = () => ({ cost: spent.cost, latencyMs: spent.latencyMs, ...(spent.usage ? { usage: spent.usage } : {}), cached: spent.cached && spent.turns > 0 });
  const failed = (message: string): CellResult => ({
    ...io.base,
    ...sums(),
    output: lastAnswer(transcript),
    status: 'error',
    score: 0,
    assertions: [],
    error: message,
    ...record(),
  });
  const script = escalation?.script ?? [];
  const escalating = escalation?.escalate === true && io.attacker !== undefined;
  const max = escalating ? escalation!.max : Math.min(escalation?.max ?? 0, script.length);

  let verdict: Verdict | undefined;
  let last: GenerateResult | undefined;
  for (let turn = 0; turn < max; turn++) {
    let text: string;
    try {
      const scripted = script[Math.min(turn, script.length - 1)] ?? '';
      text = escalating ? orElse(clean((await paid(io.attacker!(await nextTurnRequest(escalation!, transcript, turn, script[turn])), spent)).output), scripted) : scripted;
      if (plan.rewrite && io.attacker) text = orElse(clean((await paid(io.attacker(await rewriteRequest(text, plan.rewrite)), spent)).output), text);
    } catch (error) {
      if (io.aborted()) return undefined;
      return failed(`attacker: ${messageOf(error)}`);
    }
    text = fillTemplate(escalation!.template, { input: text });
    transcript.push({ role: 'user', content: text });
    const answer = await io.send([...transcript]);
    if (!answer) return undefined;
    if (answer.kind === 'refused') return io.skipped({ ...sums(), output: lastAnswer(transcript), ...record() }, answer.worst);
    if (answer.kind === 'error') return failed(answer.message);
    spent.turns++;
    last = answer.result;
    spent.cached &&= answer.cached;
    spent.cost += answer.result.cost ?? 0;
    spent.latencyMs += answer.result.latencyMs ?? 0;
    spent.usage = addUsage(spent.usage, answer.result.usage);
    transcript.push({ role: 'assistant', content: answer.result.output });
    // The prompt a detector sees is the conversation before this answer (without the app's system prompt), so a
    // judge can tell compliance assembled over several turns.
    const earlier = transcript.slice(0, -1).filter((m) => m.role !== 'system');
    verdict = await io.grade(answer.result.output, earlier.map((m) => `${m.role.toUpperCase()}: ${m.content}`).join('\n\n'), answer.result);
    // A judge call the budget refused leaves the turn ungraded: skipped, so a resume with more budget finishes it.
    if (verdict.assertions.some((a) => a.error?.includes(BUDGET_REFUSED))) {
      return io.skipped({ ...sums(), output: answer.result.output, assertions: verdict.assertions, ...record() }, 0);
    }
    if (verdict.error) {
      if (io.aborted()) return undefined;
      break;
    }
    if (!verdict.pass) break;
  }
  if (!verdict || !last) return failed('the attack sent nothing (an empty script)');
  const gradingCost = verdict.assertions.reduce<number | undefined>((n, a) => (a.cost === undefined ? n : (n ?? 0) + a.cost), undefined);
  return {
    ...io.base,
    ...sums(),
    output: last.output,
    status: verdict.error ? 'error' : verdict.pass ? 'pass' : 'fail',
    score: verdict.score,
    assertions: verdict.assertions,
    ...(gradingCost === undefined ? {} : { gradingCost }),
    ...(last.finishReason ? { finishReason: last.finishReason } : {}),
    ...(verdict.error ? { error: verdict.error } : {}),
    ...record(),
  };
}

/** Adds an attacker call's cost to the cell's. */
async function paid(call: Promise<{ output: string; cost: number }>, spent: { cost: number }): Promise<{ output: string; cost: number }> {
  const answer = await call;
  spent.cost += answer.cost;
  return answer;
}

/**
 * An attacker model may decline to play its part ("I can't help with that") or answer nothing: sending that to the
 * target would test nothing and count as resisted, a false "secure". The scripted text goes instead.
 */
function orElse(written: string, fallback: string): string {
  return written === '' || isPlainRefusal(written) ? fallback : written;
}

/** Attacker models like to wrap their message in quotes or a label; the target should get the message alone. */
function clean(text: string): string {
  return text
    .trim()
    .replace(/^(?:next (?:user )?message|user|message)\s*:\s*/i, '')
    .replace(/^"([\s\S]*)"$/, '$1')
    .trim();
}

function lastAnswer(transcript: readonly ChatMessage[]): string {
  return [...transcript].reverse().find((m) => m.role === 'assistant')?.content ?? '';
}

function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!b) return a;
  if (!a) return { ...b };
  return { input: a.input + b.input, output: a.output + b.output, total: a.total + b.total };
}
