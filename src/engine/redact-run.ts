/**
 * The one place a run's secrets are taken out of what it keeps. A server may echo an API key back (in an answer,
 * an error body, a retry reason); everything a cell leaves behind goes through the run writer (database, and
 * so every report) or the event bus (terminal, --output-stream), so both are wrapped here. Grading still sees
 * the real answer: a `no-leak` or `regex` assertion judges what the model said, and only what is kept is redacted.
 */
import type { ResolvedProvider, ResolvedSuite } from '../config/types.js';
import { createRedactor, redactDeep, type NamedSecret } from '../detectors/redact-secrets.js';
import type { RunWriter } from '../store/index.js';
import type { EventBus } from './events.js';

/** Variable names that hold credentials by convention (`OPENAI_API_KEY`, `GITHUB_TOKEN`, `DB_PASSWORD`, …). */
const SECRET_NAME = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)(_|$)/i;

/**
 * The secret values a run could leak: variables named like credentials, the variables providers and graders
 * read their key from (`apiKeyEnv`), and the values suites hand to `exec:` commands (`env`).
 */
export function runSecrets(suite: Pick<ResolvedSuite, 'providers' | 'graders'>, env: Readonly<Record<string, string | undefined>>): NamedSecret[] {
  const names = new Set(Object.keys(env).filter((name) => SECRET_NAME.test(name)));
  const secrets: NamedSecret[] = [];
  for (const provider of [...suite.providers, ...Object.values(suite.graders ?? {})]) {
    const config = (provider as ResolvedProvider).config ?? {};
    if (typeof config['apiKeyEnv'] === 'string') names.add(config['apiKeyEnv']);
    const given = config['env'];
    if (provider.type === 'exec' && given !== null && typeof given === 'object') {
      for (const [name, value] of Object.entries(given)) if (typeof value === 'string') secrets.push({ name, value });
    }
  }
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) secrets.push({ name, value: value.trim() });
  }
  return secrets;
}

/** The writer and the event bus of a run, redacting `secrets` from everything passed to them. */
export function redactRunOutputs(
  secrets: readonly NamedSecret[],
  outputs: { writer: RunWriter; events: EventBus },
): { writer: RunWriter; events: EventBus } {
  const redact = createRedactor(secrets);
  if (!redact) return outputs;
  // One memo per run: a cell object is redacted once for the writer and reused for its node-end event.
  const memo = new WeakMap<object, unknown>();
  const clean = <T>(value: T): T => redactDeep(value, redact, memo);
  const { writer, events } = outputs;
  return {
    writer: {
      ...writer,
      cacheResponse: (key, providerId, result) => writer.cacheResponse(key, providerId, clean(result)),
      addResult: (cell) => writer.addResult(clean(cell)),
    },
    events: { ...events, emit: (event) => events.emit(clean(event)) },
  };
}
