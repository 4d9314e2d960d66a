/** Small builders shared by the provider tests that run against the fake servers. */
import { inspect } from 'node:util';
import type { ChatMessage, GenerateRequest, ProviderSpec } from '../../src/types.js';

/** A resolved `providers:` entry as the engine would hand it to `create`. */
export function makeSpec(
  type: string,
  model: string,
  config: Record<string, unknown> = {},
  env: Record<string, string | undefined> = {},
): ProviderSpec {
  const id = `${type}:${model}`;
  return { id, type, model, label: id, config, baseDir: process.cwd(), env };
}

/** A generate request whose prompt is the user messages joined. */
export function makeRequest(messages: ChatMessage[] | string): GenerateRequest {
  const list: ChatMessage[] = typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages;
  return {
    messages: list,
    prompt: list.map((m) => m.content).join('\n'),
    vars: {},
    repeatIndex: 0,
  };
}

/** A signal that is never aborted, for calls that should just succeed. */
export function liveSignal(): AbortSignal {
  return new AbortController().signal;
}

/** Awaits a promise that must reject, and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/**
 * Everything a value could leak through when logged or stored: JSON, and a deep inspect (which includes error
 * causes and stacks).
 */
export function serialise(value: unknown): string {
  let json = '';
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = '';
  }
  return `${json}\n${inspect(value, { depth: 20, showHidden: false })}`;
}
