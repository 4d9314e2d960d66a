/**
 * Tokens, epochs and the cost of training, as OpenAI's cookbook "Data preparation and analysis for chat model
 * fine-tuning" computes them (https://cookbook.openai.com/examples/chat_finetuning_data_prep):
 * `num_tokens_from_messages` counts 3 tokens per message, the tokens of each of its string fields (role,
 * content, name), 1 more for a name, and 3 for the reply's priming; billed tokens per example are capped at the
 * context window; and the default number of epochs aims at 3 passes over 100–25,000 examples.
 */
import type { DataReport } from './types.js';

const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const TOKENS_PER_REPLY = 3;

// The cookbook's default-epochs rule: 3 epochs, unless that sees fewer than 100 or more than 25,000 examples.
const TARGET_EPOCHS = 3;
const MIN_TARGET_EXAMPLES = 100;
const MAX_TARGET_EXAMPLES = 25_000;
const MIN_DEFAULT_EPOCHS = 1;
const MAX_DEFAULT_EPOCHS = 25;

/** A message as counted: its role, its text, and optionally a name and tool calls (counted as their JSON). */
export interface CountedMessage {
  role: string;
  text: string;
  name?: string;
  toolCalls?: unknown;
}

/**
 * Tokens of one example's messages, as the cookbook's `num_tokens_from_messages`. Tool calls and tool
 * definitions (`tools`, which the cookbook predates) are counted as their JSON text: an estimate, since the API
 * renders them in its own format.
 */
export function tokensOfMessages(messages: readonly CountedMessage[], countTokens: (text: string) => number, tools?: unknown): number {
  let tokens = TOKENS_PER_REPLY;
  for (const message of messages) {
    tokens += TOKENS_PER_MESSAGE + countTokens(message.role) + countTokens(message.text);
    if (message.name !== undefined) tokens += TOKENS_PER_NAME + countTokens(message.name);
    if (message.toolCalls !== undefined) tokens += countTokens(JSON.stringify(message.toolCalls));
  }
  if (tools !== undefined) tokens += countTokens(JSON.stringify(tools));
  return tokens;
}

/**
 * The number of epochs a job runs: the given number, or for `auto` (and unset) the cookbook's default —
 * 3, raised so that small files are seen about 100 times (at most 25 epochs), lowered so that large ones are
 * seen about 25,000 times (at least 1).
 */
export function trainingEpochs(epochs: number | 'auto' | undefined, trainExamples: number): number {
  if (typeof epochs === 'number') return epochs;
  if (trainExamples <= 0) return TARGET_EPOCHS;
  if (trainExamples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) {
    return Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / trainExamples));
  }
  if (trainExamples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) {
    return Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / trainExamples));
  }
  return TARGET_EPOCHS;
}

/** Estimated training cost in USD: billed tokens × epochs × the price per million training tokens (0 without one). */
export function estimateTrainingUsd(report: DataReport, epochs: number, pricePerMillion: number | undefined): number {
  if (pricePerMillion === undefined) return 0;
  return (report.counts.trainTokens * epochs * pricePerMillion) / 1e6;
}
