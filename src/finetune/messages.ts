/**
 * One chat message of a training example, checked against OpenAI's chat fine-tuning format
 * (https://platform.openai.com/docs/guides/supervised-fine-tuning and the API reference's "training format for
 * chat models"): `{role, content, name?, tool_calls?, weight?}`; content is a string or a list of parts (`text`,
 * `image_url`), and may be absent only on an assistant message that calls tools.
 */
import type { CountedMessage } from './training-cost.js';

/** A problem found inside one example: the rule and what is wrong (the caller adds file and line). */
export interface ExampleProblem {
  rule: string;
  message: string;
}

/** A message as the checks see it. `text` joins its text parts (images count as no text). */
export interface ParsedMessage extends CountedMessage {
  weight?: unknown;
}

/**
 * Roles OpenAI accepts in training data. `developer` is the newer name of `system` for reasoning models;
 * `tool` answers an assistant's tool call.
 */
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const SYSTEM_ROLES = new Set(['system', 'developer']);

/** Whether a role is an instruction to the model (`system`, `developer`). */
export function isSystemRole(role: string): boolean {
  return SYSTEM_ROLES.has(role);
}

/**
 * Reads a `messages` array; `field` names it in messages (`messages`, `input.messages`, `preferred_output`).
 * Undefined when it is not an array at all (a `shape` problem is added); otherwise the messages that could be
 * read, with a problem for each one that could not.
 */
export function readMessages(value: unknown, field: string, problems: ExampleProblem[]): ParsedMessage[] | undefined {
  if (!Array.isArray(value)) {
    problems.push({ rule: 'shape', message: value === undefined ? `\`${field}\` is missing` : `\`${field}\` must be an array of messages` });
    return undefined;
  }
  const messages: ParsedMessage[] = [];
  value.forEach((item: unknown, index) => {
    const at = `${field}[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ rule: 'shape', message: `${at} must be an object with \`role\` and \`content\`` });
      return;
    }
    const message = item as Record<string, unknown>;
    const role = message.role;
    if (typeof role !== 'string' || !ROLES.has(role)) {
      problems.push({
        rule: 'roles',
        message: `${at} has role ${JSON.stringify(role ?? null)}; expected one of ${[...ROLES].join(', ')}`,
      });
      return;
    }
    const text = contentText(message.content, at, problems);
    if (text === undefined) return;
    const toolCalls = message.tool_calls ?? message.function_call;
    if (role === 'assistant' && text.trim() === '' && toolCalls === undefined) {
      problems.push({ rule: 'empty-assistant', message: `${at} is an assistant message with no content and no tool calls` });
    }
    if (message.weight !== undefined) {
      if (role !== 'assistant') problems.push({ rule: 'weight', message: `${at} has a weight, but only assistant messages may` });
      else if (message.weight !== 0 && message.weight !== 1) {
        problems.push({ rule: 'weight', message: `${at} has weight ${JSON.stringify(message.weight)}; a weight is 0 (not trained on) or 1` });
      }
    }
    messages.push({
      role,
      text,
      ...(typeof message.name === 'string' ? { name: message.name } : {}),
      ...(toolCalls !== undefined ? { toolCalls } : {}),
      ...(message.weight !== undefined ? { weight: message.weight } : {}),
    });
  });
  return messages;
}

/** The text of a message's content; '' for absent content; undefined (with a problem) for a malformed one. */
function contentText(content: unknown, at: string, problems: ExampleProblem[]): string | undefined {
  if (typeof content === 'string') return content;
  if (content === undefined || content === null) return '';
  if (Array.isArray(content)) {
    const texts: string[] = [];
    for (const part of content as unknown[]) {
      const p = part as { type?: unknown; text?: unknown } | null;
      if (p && p.type === 'text' && typeof p.text === 'string') texts.push(p.text);
      else if (p && p.type === 'image_url') continue;
      else {
        problems.push({ rule: 'shape', message: `${at}.content has a part that is neither \`text\` (with a string) nor \`image_url\`` });
        return undefined;
      }
    }
    return texts.join('\n');
  }
  problems.push({ rule: 'shape', message: `${at}.content must be a string or a list of content parts` });
  return undefined;
}

/**
 * Order rules shared by both formats: system/developer messages only at the start, and a tool message only
 * right after an assistant's tool call (or another tool message).
 */
export function checkOrder(messages: readonly ParsedMessage[], field: string, problems: ExampleProblem[]): void {
  let started = false;
  messages.forEach((message, index) => {
    if (isSystemRole(message.role)) {
      if (started) problems.push({ rule: 'order', message: `${field}[${index}] is a ${message.role} message after the conversation started; it must come first` });
      return;
    }
    started = true;
    if (message.role === 'tool') {
      const before = messages[index - 1];
      const answersCall = before && (before.role === 'tool' || (before.role === 'assistant' && before.toolCalls !== undefined));
      if (!answersCall) problems.push({ rule: 'order', message: `${field}[${index}] is a tool message that follows no assistant tool call` });
    }
  });
  if (!messages.some((m) => m.role === 'user')) problems.push({ rule: 'order', message: `${field} has no user message` });
}
