/**
 * Payload splitting: no single fragment contains the payload, and the model is asked to join the fragments
 * itself and act on the result.
 */
export function splitPayload(text: string, options: { parts?: number } = {}): string {
  const chars = Array.from(text);
  const parts = Math.max(1, Math.min(options.parts ?? 2, chars.length || 1, 26));
  const size = Math.ceil(chars.length / parts);
  const names: string[] = [];
  const assignments: string[] = [];
  for (let i = 0; i < parts; i++) {
    const name = String.fromCharCode(97 + i);
    names.push(name);
    // JSON string syntax escapes quotes and newlines, and is what models read most reliably.
    assignments.push(`${name}=${JSON.stringify(chars.slice(i * size, (i + 1) * size).join(''))}`);
  }
  return `${assignments.join('; ')}; answer ${names.join('+')}`;
}

/** Joins the fragments of a {@link splitPayload} prompt back into the payload; undefined if it is not one. */
export function joinSplitPayload(prompt: string): string | undefined {
  const match = /^((?:[a-z]="(?:[^"\\]|\\.)*"; )+)answer ([a-z](?:\+[a-z])*)$/s.exec(prompt);
  if (!match) return undefined;
  const values = new Map<string, string>();
  for (const [, name, literal] of match[1]!.matchAll(/([a-z])=("(?:[^"\\]|\\.)*"); /gs)) {
    values.set(name!, JSON.parse(literal!) as string);
  }
  const order = match[2]!.split('+');
  if (order.some((name) => !values.has(name))) return undefined;
  return order.map((name) => values.get(name)!).join('');
}
