/**
 * How the fake servers decide to call a tool: when a request declares tools, each `call <name> <arguments>` line
 * of the answer text (the default answer echoes the prompt, so a test writes it in the prompt) becomes a call of a
 * declared tool, its arguments the rest of the line as is — valid JSON, or not, for tests of invalid calls.
 * `tool_choice: none` (OpenAI) turns it off.
 */

/** One scripted call. */
export interface ScriptedCall {
  name: string;
  arguments: string;
}

const CALL = /\bcall ([A-Za-z0-9_-]+)[ \t]+(.*)$/gm;

/** The calls `text` scripts among the `declared` tool names; [] when none. */
export function scriptedCalls(text: string, declared: readonly string[]): ScriptedCall[] {
  if (declared.length === 0) return [];
  const calls: ScriptedCall[] = [];
  for (const match of text.matchAll(CALL)) {
    const name = match[1]!;
    if (declared.includes(name)) calls.push({ name, arguments: match[2]!.trim() });
  }
  return calls;
}

/** Tool names of an OpenAI or Ollama `tools` list (`{ function: { name } }`) or an Anthropic one (`{ name }`). */
export function declaredNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .map((tool: any) => (typeof tool?.function?.name === 'string' ? tool.function.name : tool?.name))
    .filter((name): name is string => typeof name === 'string');
}
