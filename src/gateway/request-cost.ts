/**
 * What a request may cost at most, reserved against its key's budget before any candidate is called. It must be a
 * true upper bound, or concurrent requests could overspend: input tokens are bounded by the messages' UTF-8 bytes
 * (every BPE token is at least one byte) plus a per-message overhead, output tokens by `max_tokens`, and the price
 * is the dearest of the candidates that may serve it (any of them may, after a fallback).
 */
import { costOf } from '../providers/prices.js';
import type { ChatMessage, ToolDefinition } from '../types.js';
import type { GatewayCandidate } from './types.js';

/** The cap the gateway sets on a budgeted key's request that names no `max_tokens`, so its cost has a bound. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Tokens a chat message costs beyond its text (OpenAI's cookbook counts 3–4; 8 is safely above every API's). */
const PER_MESSAGE_TOKENS = 8;

/** An upper bound of a request's input tokens. */
export function inputTokenBound(messages: readonly ChatMessage[], tools?: readonly ToolDefinition[]): number {
  let bytes = 0;
  for (const m of messages) bytes += Buffer.byteLength(m.content, 'utf8') + PER_MESSAGE_TOKENS;
  if (tools) bytes += Buffer.byteLength(JSON.stringify(tools), 'utf8');
  return bytes + PER_MESSAGE_TOKENS;
}

/** The most a request can cost on any of `candidates` (USD), each held to `capOf(candidate)` output tokens; 0 unpriced. */
export function worstCost(candidates: readonly GatewayCandidate[], inputTokens: number, capOf: (c: GatewayCandidate) => number): number {
  let most = 0;
  for (const c of candidates) {
    const output = capOf(c);
    most = Math.max(most, costOf(c.price, { input: inputTokens, output, total: inputTokens + output }));
  }
  return most;
}

/**
 * The `max_tokens` a candidate is held to: the client's, else the candidate's own `maxTokens`, else — only when the
 * request's cost must be bounded (a key with a budget) — DEFAULT_MAX_TOKENS; undefined = no cap is sent.
 */
export function outputCap(clientMax: number | undefined, candidate: GatewayCandidate, bounded: boolean): number | undefined {
  if (clientMax !== undefined) return clientMax;
  const configured = candidate.provider.config['maxTokens'];
  if (typeof configured === 'number') return configured;
  return bounded ? DEFAULT_MAX_TOKENS : undefined;
}
