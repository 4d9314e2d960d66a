/**
 * `exec:<command>`: any program as a model. The request goes to its stdin as one JSON object
 * `{prompt, messages, vars, repeatIndex, config}`; the answer is its stdout, either a JSON object with an
 * `output` string (plus optional `usage`, `finishReason`) or plain text.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LlmlabError, ProviderError } from '../errors.js';
import { defineProvider } from '../types.js';
import type { GenerateResult, JsonSchema, TokenUsage } from '../types.js';
import { LIMIT_KEY_SCHEMAS } from './limit-keys.js';

/** How much of stderr a failure reports: the end is where the traceback's point is. */
const STDERR_TAIL_CHARS = 500;
/** Grace a command gets after SIGTERM before the whole group is killed. */
const KILL_GRACE_MS = 1000;
/**
 * What every command gets from llmlab's environment without asking: where programs are (PATH), the user's home
 * (tools read their config from it), the locale (so Python and others read and print UTF-8) and the temp folder.
 * Nothing else: API keys and tokens reach a command only when the suite names them in `passEnv` or `env`.
 */
const BASE_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'];
/** Windows programs fail to start without these. */
const WINDOWS_BASE_ENV = ['SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT', 'TEMP', 'TMP', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA'];

const optionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cwd: { type: 'string', description: 'working directory, relative to the suite file; default: its directory' },
    env: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'extra environment variables for the command (their values are never cached or reported)',
    },
    passEnv: {
      type: 'array',
      items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      uniqueItems: true,
      description:
        "names of llmlab's environment variables the command receives (e.g. [OPENAI_API_KEY]); by default it gets only PATH, HOME, the locale, TZ and TMPDIR",
    },
    shell: {
      type: 'boolean',
      description: 'run the command through a shell (default true); false splits it on spaces, honouring quotes',
    },
    ...LIMIT_KEY_SCHEMAS,
  },
};

export default defineProvider({
  id: 'exec',
  optionsSchema,
  create(spec) {
    const command = spec.model.trim();
    if (!command) {
      throw new LlmlabError('CONFIG_INVALID', `${spec.id}: no command`, {
        hint: 'write exec:<command>, e.g. exec:python3 bot.py',
      });
    }
    const cwdAsWritten = typeof spec.config['cwd'] === 'string' ? spec.config['cwd'] : '.';
    const cwd = resolve(spec.baseDir, cwdAsWritten);
    if (!isDirectory(cwd)) {
      throw new LlmlabError('FILE_NOT_FOUND', `${spec.id}: working directory not found: ${cwd}`, {
        hint: 'config.cwd is resolved relative to the directory of the suite file',
      });
    }
    const extraEnv = (spec.config['env'] ?? {}) as Record<string, string>;
    const shell = spec.config['shell'] !== false;
    const argv = shell ? undefined : splitCommand(command);
    const passEnv = (spec.config['passEnv'] ?? []) as string[];
    const env = childEnv(spec.env, passEnv, extraEnv);
    const secrets = Object.values(extraEnv).filter((value) => value.length >= 4);
    const redact = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('***'), text);

    return {
      id: spec.id,
      type: spec.type,
      model: spec.model,
      // Env values may be secrets: only their names go into the cache key. The cwd stays as written so a cache
      // copied to another checkout still hits.
      identity: {
        command,
        cwd: cwdAsWritten,
        envKeys: Object.keys(extraEnv).sort(),
        shell,
        // Only when set, so the cache keys of suites written before `passEnv` stay the same.
        ...(passEnv.length > 0 ? { passEnv: [...passEnv].sort() } : {}),
      },
      generate(request, { signal }): Promise<GenerateResult> {
        return new Promise((resolvePromise, reject) => {
          if (signal.aborted) return reject(abortError(signal));
          // Detached: the command gets its own process group, so an abort can kill it and everything it started.
          const options = { shell, cwd, env, detached: process.platform !== 'win32', stdio: 'pipe' } as const;
          // With a shell the command goes in whole: Node deprecates passing separate args alongside `shell`.
          const child = argv ? spawn(argv[0] ?? '', argv.slice(1), options) : spawn(command, options);
          const stdout: Buffer[] = [];
          let stderr = '';
          let settled = false;
          const settle = (action: () => void): void => {
            if (settled) return;
            settled = true;
            signal.removeEventListener('abort', onAbort);
            action();
          };
          const onAbort = (): void => {
            killGroup(child);
            settle(() => reject(abortError(signal)));
          };
          signal.addEventListener('abort', onAbort, { once: true });

          child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
          child.stderr.on('data', (chunk: Buffer) => {
            stderr = (stderr + chunk.toString('utf8')).slice(-4 * STDERR_TAIL_CHARS);
          });
          child.on('error', (error) => {
            const failure = new ProviderError(`exec: cannot run '${command}': ${redact(error.message)}`, { cause: error });
            settle(() => reject(failure));
          });
          child.on('close', (code, killedBy) => {
            if (code === 0) return settle(() => resolvePromise(parseStdout(Buffer.concat(stdout).toString('utf8'))));
            const status = code === null ? `was killed by ${killedBy ?? 'a signal'}` : `exited with code ${code}`;
            const tail = redact(stderr.trim()).slice(-STDERR_TAIL_CHARS);
            settle(() => reject(new ProviderError(`exec: '${command}' ${status}${tail ? `; stderr: ${tail}` : ''}`)));
          });
          // A command that never reads stdin closes the pipe early; that is its business, not an error.
          child.stdin.on('error', () => {});
          const { prompt, messages, vars, repeatIndex } = request;
          child.stdin.end(JSON.stringify({ prompt, messages, vars, repeatIndex, config: spec.config }));
        });
      },
    };
  },
});

/** The command's environment: the basics and the `passEnv` names from llmlab's environment, then `env` over them. */
function childEnv(
  parent: Readonly<Record<string, string | undefined>>,
  passEnv: readonly string[],
  extraEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const names = [...BASE_ENV, ...(process.platform === 'win32' ? WINDOWS_BASE_ENV : []), ...passEnv];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    // Windows names are case-insensitive (`Path`).
    const wanted = process.platform === 'win32' ? names.some((n) => n.toUpperCase() === name.toUpperCase()) : names.includes(name);
    if (wanted && value !== undefined) env[name] = value;
  }
  return Object.assign(env, extraEnv);
}

/** A JSON object with an `output` string is a structured answer; anything else is the answer text itself. */
function parseStdout(stdout: string): GenerateResult {
  const text = stdout.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isRecord(parsed) && typeof parsed['output'] === 'string') {
      const result: GenerateResult = { output: parsed['output'] };
      const usage = usageOf(parsed['usage']);
      if (usage) result.usage = usage;
      if (typeof parsed['finishReason'] === 'string') result.finishReason = parsed['finishReason'];
      return result;
    }
  }
  return { output: stdout.replace(/\r?\n$/, '') };
}

function usageOf(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const { input, output, total } = value;
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  return { input, output, total: typeof total === 'number' ? total : input + output };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  killProcessGroup(child.pid, KILL_GRACE_MS, process.platform === 'win32' ? (name) => child.kill(name) : undefined);
}

/**
 * SIGTERM to the process group `pid` leads, SIGKILL after `graceMs`; a group already gone is fine. `send` replaces
 * the group signal (Windows has no process groups). A fine-tune trainer is stopped the same way.
 */
export function killProcessGroup(pid: number, graceMs: number, send: (name: NodeJS.Signals) => void = (name) => process.kill(-pid, name)): void {
  const signalGroup = (name: NodeJS.Signals): void => {
    try {
      send(name);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), graceMs).unref();
}

/** `python3 "my bot.py" --x 'a b'` → [python3, my bot.py, --x, a b]. */
function splitCommand(command: string): string[] {
  const parts: string[] = [];
  for (const match of command.matchAll(/"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g)) {
    parts.push(match[1]?.replace(/\\(.)/g, '$1') ?? match[2] ?? match[3] ?? '');
  }
  return parts;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The executor may abort with its own LlmlabError (a timeout it wants to retry); keep it. */
function abortError(signal: AbortSignal): LlmlabError {
  const reason: unknown = signal.reason;
  return reason instanceof LlmlabError ? reason : new ProviderError('aborted', { retryable: false, cause: reason });
}
