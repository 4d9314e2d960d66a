/**
 * An Ollama model from a trained adapter, as `ollama create` with `FROM <base>` and `ADAPTER <dir>` does: the
 * adapter's files are pushed as blobs (`HEAD` first, so an unchanged file is not sent twice; the SDK has no call
 * for blobs), then the SDK's `create` names them by digest. Creating the same model again is a no-op on
 * Ollama's side, so a reused training point is simply served again.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LlmlabError, messageOf } from '../errors.js';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/**
 * The adapter weights Ollama takes, by trainer: mlx-lm writes `adapters.safetensors` (beside numbered
 * checkpoints, which must not be sent), PEFT trainers (Unsloth, axolotl, LLaMA-Factory) `adapter_model.safetensors`.
 */
const WEIGHTS = ['adapters.safetensors', 'adapter_model.safetensors'];

/** What to create. `adapter`: a file, or a directory of a trainer's output. */
export interface OllamaCreate {
  host: string;
  model: string;
  from: string;
  adapter: string;
  signal?: AbortSignal;
}

/** `OLLAMA_HOST` may be `0.0.0.0` or `host:port`: the URL Ollama's own CLI would use. */
export function ollamaUrl(host: string): string {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host);
  let url: URL;
  try {
    url = new URL(hasScheme ? host : `http://${host}`);
  } catch {
    throw new LlmlabError('CONFIG_INVALID', `the Ollama host \`${host}\` is not a URL`, {
      hint: 'write serve.ollama.host (or OLLAMA_HOST) as http://host:port, e.g. http://127.0.0.1:11434',
    });
  }
  if (!hasScheme && url.port === '') url.port = '11434';
  return url.toString().replace(/\/+$/, '');
}

/** Pushes the adapter's files and creates the model; resolves with the files sent, by name → digest. */
export async function createOllamaModel(request: OllamaCreate): Promise<Record<string, string>> {
  const adapters: Record<string, string> = {};
  for (const file of adapterFiles(request.adapter)) {
    const bytes = readFileSync(file);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await pushBlob(request, digest, bytes);
    adapters[basename(file)] = digest;
  }
  const { Ollama } = await import('ollama');
  const client = new Ollama({ host: request.host, fetch: signalled(request.signal) });
  try {
    await client.create({ model: request.model, from: request.from, adapters, stream: false });
  } catch (error) {
    throw ollamaError(request, `creating ${request.model} from ${request.from} failed`, error);
  }
  return adapters;
}

/**
 * The files of an adapter: the file itself, or in a directory the weights (see {@link WEIGHTS}, else its one
 * `.gguf`) with every `.json` beside them (adapter_config.json says which layers the weights change).
 */
export function adapterFiles(adapter: string): string[] {
  const stat = statOf(adapter);
  if (stat?.isFile()) return [adapter];
  if (!stat?.isDirectory()) {
    throw new LlmlabError('FILE_NOT_FOUND', `the adapter ${adapter} does not exist`, {
      hint: 'the trainer must write its adapter into {{ output }}, or serve.ollama.adapter must name the file or folder it wrote',
    });
  }
  const names = readdirSync(adapter).filter((name) => statOf(join(adapter, name))?.isFile()).sort();
  const ggufs = names.filter((name) => name.endsWith('.gguf'));
  const weights = WEIGHTS.find((name) => names.includes(name)) ?? (ggufs.length === 1 ? ggufs[0] : undefined);
  if (weights === undefined) {
    throw new LlmlabError('FILE_NOT_FOUND', `no adapter weights in ${adapter} (it holds ${names.join(', ') || 'nothing'})`, {
      hint: `expected ${WEIGHTS.join(' or ')} or one .gguf file; set serve.ollama.adapter to the file the trainer wrote`,
    });
  }
  return [weights, ...names.filter((name) => name.endsWith('.json'))].map((name) => join(adapter, name));
}

async function pushBlob(request: OllamaCreate, digest: string, bytes: Buffer): Promise<void> {
  const url = `${request.host}/api/blobs/${digest}`;
  try {
    const head = await fetch(url, { method: 'HEAD', signal: request.signal });
    if (head.ok) return;
    const post = await fetch(url, { method: 'POST', body: bytes, signal: request.signal });
    if (!post.ok) throw new Error(`HTTP ${post.status}: ${(await post.text().catch(() => '')).slice(0, 300)}`);
  } catch (error) {
    throw ollamaError(request, `pushing the adapter file (${digest.slice(0, 19)}…) failed`, error);
  }
}

/** The SDK takes no per-call signal: a fetch that carries it. */
function signalled(signal: AbortSignal | undefined): typeof fetch {
  return (input, init) => fetch(input, { ...init, ...(signal ? { signal } : {}) });
}

function ollamaError(request: OllamaCreate, what: string, error: unknown): Error {
  if (request.signal?.aborted) return error instanceof Error ? error : new Error(messageOf(error));
  const cause = (error as { cause?: { code?: string } }).cause;
  const unreachable = cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND';
  return new Error(
    unreachable ? `${what}: Ollama does not answer at ${request.host} (is \`ollama serve\` running?)` : `${what}: ${messageOf(error)}`,
  );
}

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
