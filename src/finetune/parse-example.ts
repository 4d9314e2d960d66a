/**
 * One JSONL line as a training example of either method, with the problems of its format. The supervised
 * format is OpenAI's chat format (https://platform.openai.com/docs/guides/supervised-fine-tuning); the
 * preference format is OpenAI's DPO format (https://platform.openai.com/docs/guides/direct-preference-optimization):
 * `{input: {messages, tools?}, preferred_output: [assistant message], non_preferred_output: [assistant message]}`.
 *
 * Neither OpenAI's format nor the cookbook's checks ("Data preparation and analysis for chat model fine-tuning")
 * require user and assistant turns to alternate, so two user messages in a row are accepted. Training learns
 * from the assistant messages, so the last message must be the assistant's: trailing turns are wasted tokens.
 */
import { checkOrder, isSystemRole, readMessages, type ExampleProblem, type ParsedMessage } from './messages.js';
import { tokensOfMessages } from './training-cost.js';
import type { FinetuneMethod } from './types.js';

/** What the data-wide checks (duplicates, leakage, secrets, balance, tokens) need of one example. */
export interface ParsedExample {
  /** Every message's role and text, outputs included (for secrets). */
  texts: Array<{ role: string; text: string }>;
  /** System, developer and user text: what an eval input would leak into. */
  promptText: string;
  /** The conversation as text without its system/developer messages, for duplicate detection. */
  fullText: string;
  /** The final assistant answer (the preferred one for DPO), for label balance. */
  answer?: string;
  hasSystem: boolean;
  /** Tokens as billed (DPO: the input and both outputs). */
  tokens: number;
  /** Tokens that must fit the context window (DPO: the input and the longer output). */
  contextTokens: number;
}

/** Reads one example; `example` is undefined when its structure is too broken to count or compare. */
export function parseExample(
  method: FinetuneMethod,
  value: Record<string, unknown>,
  countTokens: (text: string) => number,
): { example?: ParsedExample; problems: ExampleProblem[] } {
  const problems: ExampleProblem[] = [];
  const example = method === 'dpo' ? parsePreference(value, countTokens, problems) : parseSupervised(value, countTokens, problems);
  return { example, problems };
}

function parseSupervised(value: Record<string, unknown>, countTokens: (text: string) => number, problems: ExampleProblem[]): ParsedExample | undefined {
  const messages = readMessages(value.messages, 'messages', problems);
  if (!messages) return undefined;
  const last = messages[messages.length - 1];
  // Order is judged on the whole conversation only: with a message unreadable, it would report that gap again.
  if (allRead(messages, value.messages)) {
    checkOrder(messages, 'messages', problems);
    if (!messages.some((m) => m.role === 'assistant')) problems.push({ rule: 'order', message: 'messages has no assistant message: there is nothing to train on' });
    else if (last && last.role !== 'assistant') problems.push({ rule: 'order', message: `messages ends with a ${last.role} message; the last message must be the assistant's` });
  }
  const tokens = tokensOfMessages(messages, countTokens, value.tools);
  const answer = last?.role === 'assistant' ? last.text : undefined;
  return { ...describe(messages, answer), tokens, contextTokens: tokens };
}

function parsePreference(value: Record<string, unknown>, countTokens: (text: string) => number, problems: ExampleProblem[]): ParsedExample | undefined {
  const input = value.input;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    problems.push({ rule: 'shape', message: input === undefined ? '`input` is missing' : '`input` must be an object with `messages`' });
    return undefined;
  }
  const { messages: rawMessages, tools } = input as Record<string, unknown>;
  const messages = readMessages(rawMessages, 'input.messages', problems);
  const preferred = readOutput(value.preferred_output, 'preferred_output', problems);
  const rejected = readOutput(value.non_preferred_output, 'non_preferred_output', problems);
  if (!messages) return undefined;
  const last = messages[messages.length - 1];
  if (allRead(messages, rawMessages)) checkOrder(messages, 'input.messages', problems);
  if (last?.role === 'assistant') problems.push({ rule: 'order', message: 'input.messages ends with an assistant message; the outputs answer the last user message' });
  if (preferred && rejected && sameOutput(preferred, rejected)) {
    problems.push({ rule: 'identical', message: 'preferred_output and non_preferred_output are the same: the pair teaches nothing' });
  }
  const inputTokens = tokensOfMessages(messages, countTokens, tools);
  // The outputs are priced as messages without the reply priming the input already counted.
  const outputTokens = (output: ParsedMessage[] | undefined): number => (output ? tokensOfMessages(output, countTokens) - 3 : 0);
  const preferredTokens = outputTokens(preferred);
  const rejectedTokens = outputTokens(rejected);
  const answer = preferred?.[preferred.length - 1]?.text;
  return {
    ...describe([...messages, ...(preferred ?? []), ...(rejected ?? [])], answer),
    tokens: inputTokens + preferredTokens + rejectedTokens,
    contextTokens: inputTokens + Math.max(preferredTokens, rejectedTokens),
  };
}

/** An output of a preference pair: one or more assistant messages with content. */
function readOutput(value: unknown, field: string, problems: ExampleProblem[]): ParsedMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ rule: 'preferred', message: `\`${field}\` ${value === undefined ? 'is missing' : 'must be a non-empty list of assistant messages'}` });
    return undefined;
  }
  const read: ExampleProblem[] = [];
  const messages = readMessages(value, field, read);
  // An empty or non-assistant output breaks the pair itself: reported under the pair's rule.
  for (const problem of read) problems.push(problem.rule === 'empty-assistant' || problem.rule === 'roles' ? { ...problem, rule: 'preferred' } : problem);
  for (const [index, message] of (messages ?? []).entries()) {
    if (message.role !== 'assistant') problems.push({ rule: 'preferred', message: `${field}[${index}] has role ${message.role}; outputs are assistant messages` });
  }
  return messages;
}

/** Whether every item of the raw array became a message. */
function allRead(messages: readonly ParsedMessage[], raw: unknown): boolean {
  return Array.isArray(raw) && messages.length === raw.length;
}

function sameOutput(a: readonly ParsedMessage[], b: readonly ParsedMessage[]): boolean {
  const key = (output: readonly ParsedMessage[]): string => JSON.stringify(output.map((m) => [m.role, m.text.trim(), m.toolCalls ?? null]));
  return key(a) === key(b);
}

function describe(messages: readonly ParsedMessage[], answer: string | undefined): Omit<ParsedExample, 'tokens' | 'contextTokens'> {
  const texts = messages.map(({ role, text }) => ({ role, text }));
  return {
    texts,
    promptText: texts.filter((m) => m.role === 'user' || isSystemRole(m.role)).map((m) => m.text).join('\n'),
    fullText: texts.filter((m) => !isSystemRole(m.role)).map((m) => `${m.role}: ${m.text}`).join('\n'),
    ...(answer !== undefined ? { answer } : {}),
    hasSystem: messages.some((m) => isSystemRole(m.role)),
  };
}
