/**
 * JSON for a `<script type="application/json">` element. The HTML parser ends a script element at the first
 * `</script` whatever the JSON means, and `<!--` changes how it looks for that end; escaping every `<`, `>` and
 * `&` as a JSON \u escape keeps the same JSON while leaving nothing the parser can act on. U+2028 and U+2029 are
 * escaped too, so the text stays valid if a reader ever evaluates it as JavaScript.
 */
const UNSAFE = /[<>&\u2028\u2029]/g;

/** `JSON.stringify(value)` that is safe to place inside a script element. */
export function scriptJson(value: unknown): string {
  return escapeScriptJson(JSON.stringify(value));
}

/** Escapes already-serialised JSON for a script element (see {@link scriptJson}). */
export function escapeScriptJson(json: string): string {
  return json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
