/** A served answer with the upstream secrets taken out of everything a client or the log can read. */
import type { GenerateResult } from '../types.js';

export function redactResult(result: GenerateResult, redact: (text: string) => string): GenerateResult {
  const output = redact(result.output);
  const toolCalls = result.toolCalls?.map((call) => ({ ...call, arguments: redact(call.arguments) }));
  return { ...result, output, ...(toolCalls ? { toolCalls } : {}) };
}
