/**
 * How many of promptfoo's example configs `llmlab plan` accepts through the promptfoo dialect.
 *
 *   node --import tsx bench/promptfoo-corpus.ts <promptfoo checkout>/examples
 *
 * The corpus is every `promptfooconfig*.{yaml,yml,json}` under the folder. A config counts when it is complete
 * (every `file://` it names exists) and in scope (every provider it names is one llmlab runs: OpenAI, Anthropic,
 * Ollama, the OpenAI-compatible vendors, Azure, Google, Vertex, Bedrock, echo). Each counted config is planned
 * in-process through `main(['plan', file])`, the CLI's own code path, with no API keys set; the figure is the share
 * that exits 0. The rest are grouped by the first line of their error, so the next thing to translate is plain.
 * With `--requests`, every accepted config whose providers are OpenAI, Anthropic or Ollama also runs (`eval
 * --first 2`) against fake servers, and each request's model and sampling parameters are checked against what the
 * promptfoo author wrote (bench/promptfoo-requests.ts): the zero-misread check over the whole corpus.
 * promptfoo's examples are not part of this repository: check promptfoo out (or fetch its `examples/`) first.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import fg from 'fast-glob';
import { parse } from 'yaml';
import { main } from '../src/cli/main.js';
import { checkRequests } from './promptfoo-requests.js';

const IN_SCOPE = new Set(
  'openai anthropic ollama openrouter groq mistral togetherai deepseek xai perplexity fireworks cerebras lmstudio vllm llamacpp azure azureopenai google vertex bedrock echo'.split(
    ' ',
  ),
);
/** A user who plans a suite has its keys set; `plan` reads none of their values, but it does check they are set. */
const PLACEHOLDER_KEYS = Object.fromEntries(
  [
    'OPENAI_API_KEY ANTHROPIC_API_KEY GOOGLE_API_KEY AZURE_OPENAI_API_KEY AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY',
    'CEREBRAS_API_KEY DEEPSEEK_API_KEY FIREWORKS_API_KEY GROQ_API_KEY MISTRAL_API_KEY OPENROUTER_API_KEY',
    'PERPLEXITY_API_KEY TOGETHER_API_KEY XAI_API_KEY VERTEX_API_KEY',
  ]
    .join(' ')
    .split(' ')
    .map((name) => [name, 'placeholder']),
);
const PLACEHOLDER_SETTINGS = { AWS_REGION: 'us-east-1', AZURE_OPENAI_ENDPOINT: 'https://example.openai.azure.com', GOOGLE_CLOUD_PROJECT: 'example' };
const CONFIG_NAME = /^promptfooconfig[^/]*\.(ya?ml|json)$/;

function configsUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...configsUnder(path));
    else if (CONFIG_NAME.test(name)) found.push(path);
  }
  return found.sort();
}

function fileRefs(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') for (const match of value.matchAll(/file:\/\/([^\s'"]+)/g)) into.push(match[1]!);
  else if (Array.isArray(value)) for (const item of value) fileRefs(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) fileRefs(item, into);
  return into;
}

/** Every `file://` target exists (a glob matches something); `path:function` suffixes are dropped. */
function isComplete(file: string, config: unknown): boolean {
  return fileRefs(config).every((ref) => {
    const path = resolve(dirname(file), ref.replace(/:[A-Za-z_$][\w$]*$/, ''));
    return fg.isDynamicPattern(ref) ? fg.sync(path).length > 0 : existsSync(path);
  });
}

function providerIds(config: Record<string, unknown>): string[] {
  const raw = config.providers ?? config.targets ?? [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.flatMap((entry) => {
    if (typeof entry === 'string') return [entry];
    if (entry && typeof entry === 'object' && 'id' in entry) return [String((entry as { id: unknown }).id)];
    return [];
  });
}

async function plan(file: string, db: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const sink = { write: () => undefined };
  const code = await main(['plan', file], {
    stdout: sink,
    stderr: { write: (text: string) => void (stderr += text) },
    env: { ...PLACEHOLDER_KEYS, ...PLACEHOLDER_SETTINGS, CI: 'true', LLMLAB_DB: db, PATH: process.env.PATH },
    cwd: dirname(file),
  });
  return { code, stderr };
}

/** The first error line with the file, line numbers and quoted names taken out, so alike failures group. */
function reasonOf(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('note:'));
  const line = lines.find((l) => /error|invalid|unknown|not /i.test(l)) ?? lines[0] ?? '';
  if (process.argv.includes('--raw')) return line.trim().slice(0, 200);
  return line
    .replace(/\S+\.(ya?ml|json):\d+(:\d+)?/g, 'FILE')
    .replace(/`[^`]*`/g, '`…`')
    .replace(/\[\d+\]/g, '[n]')
    .trim()
    .slice(0, 140);
}

const root = resolve(process.argv[2] ?? process.env.PROMPTFOO_EXAMPLES ?? 'examples');
if (!existsSync(root)) {
  console.error(`no folder ${root}: pass promptfoo's examples folder as the first argument`);
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'llmlab-corpus-'));
const configs = configsUnder(root);
let complete = 0;
const accepted: string[] = [];
const rejected = new Map<string, string[]>();
const inScope: string[] = [];
for (const file of configs) {
  let config: unknown;
  try {
    config = parse(readFileSync(file, 'utf8'));
  } catch {
    continue;
  }
  if (!config || typeof config !== 'object' || !isComplete(file, config)) continue;
  complete += 1;
  const ids = providerIds(config as Record<string, unknown>);
  if (ids.length === 0 || !ids.every((id) => IN_SCOPE.has(id.split(':')[0]!))) continue;
  inScope.push(file);
  const { code, stderr } = await plan(file, join(scratch, `${inScope.length}.db`));
  if (code === 0) accepted.push(file);
  else rejected.set(reasonOf(stderr), [...(rejected.get(reasonOf(stderr)) ?? []), relative(root, file)]);
}
rmSync(scratch, { recursive: true, force: true });

const share = inScope.length === 0 ? 0 : (100 * accepted.length) / inScope.length;
console.log(`${configs.length} configs, ${complete} complete, ${inScope.length} complete and in scope`);
console.log(`llmlab plan accepts ${accepted.length} of ${inScope.length} (${share.toFixed(1)} %)`);
const verbose = process.argv.includes('--verbose');
for (const [reason, files] of [...rejected].sort((a, b) => b[1].length - a[1].length).slice(0, verbose ? 1000 : 25)) {
  console.log(`${String(files.length).padStart(4)}  ${reason}`);
  if (verbose) for (const file of files) console.log(`        ${file}`);
}
if (process.argv.includes('--accepted')) for (const file of accepted) console.log(`ok  ${relative(root, file)}`);
if (process.argv.includes('--requests')) await checkRequests(accepted, root);
