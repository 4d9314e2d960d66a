import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import exec from '../../src/providers/exec.js';
import type { GenerateRequest, Provider } from '../../src/types.js';
import { makeProviderSpec } from '../fixtures/providers/test-provider.js';

const fixtures = fileURLToPath(new URL('../fixtures/providers/', import.meta.url));
const node = JSON.stringify(process.execPath);
const scratch = mkdtempSync(join(tmpdir(), 'llmlab-exec-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const request: GenerateRequest = {
  prompt: 'Say "hi"',
  messages: [{ role: 'user', content: 'Say "hi"' }],
  vars: { lang: 'en' },
  repeatIndex: 2,
};
const signal = new AbortController().signal;

function bot(mode: string, config: Record<string, unknown> = {}): Promise<Provider> {
  return Promise.resolve(exec.create(makeProviderSpec(`exec:${node} bot.mjs ${mode}`, { cwd: 'exec', ...config }, { baseDir: fixtures })));
}

describe('exec provider', () => {
  it('reads a JSON answer with usage and finish reason', async () => {
    const result = await (await bot('json')).generate(request, { signal });
    expect(result).toEqual({ output: 'bot: Say "hi"', usage: { input: 3, output: 4, total: 7 }, finishReason: 'length' });
  });

  it('reads plain stdout, trimming one trailing newline', async () => {
    expect((await (await bot('text')).generate(request, { signal })).output).toBe('text: Say "hi"');
  });

  it('writes {prompt, messages, vars, repeatIndex, config} to stdin; JSON without output is plain text', async () => {
    const { output } = await (await bot('request')).generate(request, { signal });
    expect(JSON.parse(output)).toEqual({ ...request, config: { cwd: 'exec' } });
  });

  it('passes config.env and runs in config.cwd relative to baseDir', async () => {
    const provider = await bot('env', { env: { BOT_TOKEN: 'tok-123456' } });
    expect((await provider.generate(request, { signal })).output).toBe(`tok-123456|${join(fixtures, 'exec')}`);
  });

  it('keeps env names, not values, in identity', async () => {
    const provider = await bot('json', { env: { BOT_TOKEN: 'tok-123456', A: 'x' } });
    expect(provider.identity).toEqual({ command: `${node} bot.mjs json`, cwd: 'exec', envKeys: ['A', 'BOT_TOKEN'], shell: true });
    expect(JSON.stringify(provider.identity)).not.toContain('tok-123456');
  });

  it('fails a non-zero exit with the exit code and the tail of stderr, secrets redacted, not retryable', async () => {
    const provider = await bot('fail', { env: { BOT_TOKEN: 'tok-123456' } });
    const error = (await provider.generate(request, { signal }).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/exited with code 3/);
    expect(error.message).toMatch(/Traceback: model exploded \(token \*\*\*\)$/);
    expect(error.message).not.toContain('tok-123456');
    // 200 repeats of "noise " do not all fit: only the last ~500 characters are kept.
    expect(error.message.length).toBeLessThan(700);
  });

  it('reports a missing command as a failed call', async () => {
    const provider = await exec.create(makeProviderSpec('exec:llmlab-no-such-command-xyz', {}, { baseDir: fixtures }));
    await expect(provider.generate(request, { signal })).rejects.toMatchObject({ message: expect.stringMatching(/exited with code 127/) });
  });

  it('does not fail when the command never reads stdin', async () => {
    const provider = await exec.create(makeProviderSpec(`exec:${node} ignores-stdin.mjs`, { cwd: 'exec' }, { baseDir: fixtures }));
    expect((await provider.generate(request, { signal })).output).toBe('did not read');
  });

  it('splits the command itself when shell is false, honouring quotes', async () => {
    const dir = join(scratch, 'dir with space');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(fixtures, 'exec', 'bot.mjs'), join(dir, 'my bot.mjs'));
    const provider = await exec.create(makeProviderSpec(`exec:${node} 'my bot.mjs' text`, { cwd: dir, shell: false }));
    expect((await provider.generate(request, { signal })).output).toBe('text: Say "hi"');
  });

  it('kills the whole process group on abort and reports it as aborted', async () => {
    const pidFile = join(scratch, 'grandchild.pid');
    const provider = await bot(`hang ${JSON.stringify(pidFile)}`);
    const controller = new AbortController();
    const call = provider.generate(request, { signal: controller.signal });
    const grandchild = await waitFor(() => Number(readFileSync(pidFile, 'utf8')) || undefined);
    expect(isAlive(grandchild)).toBe(true);
    controller.abort();
    await expect(call).rejects.toMatchObject({ message: 'aborted', retryable: false });
    await waitFor(() => (isAlive(grandchild) ? undefined : true));
  });

  it('rejects a working directory that does not exist', async () => {
    expect(() => exec.create(makeProviderSpec(`exec:${node} bot.mjs`, { cwd: 'nope' }, { baseDir: fixtures }))).toThrow(
      expect.objectContaining({ code: 'FILE_NOT_FOUND', message: expect.stringContaining(join(fixtures, 'nope')) }),
    );
  });

  it('rejects an empty command', () => {
    expect(() => exec.create(makeProviderSpec('exec:  '))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

/** A zombie (state Z) is dead for our purposes: the container's init may never reap it. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch {
      // Not there yet.
    }
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
