import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/errors.js';
import { builtInProfiles, createPriceProfiles } from '../../src/providers/price-profiles.js';
import { thrownLlmlabError } from '../thrown.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmlab-prices-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function profile(type: string, text: string): string {
  const file = join(dir, `${type}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('price profiles', () => {
  it('reads every profile llmlab ships', () => {
    for (const type of ['openai', 'anthropic', 'ollama']) expect(builtInProfiles.profileOf(type)).toBeDefined();
    expect(builtInProfiles.profileOf('openai')?.models?.['gpt-4o-mini']).toMatchObject({ input: 0.15, output: 0.6 });
  });

  it('gives no profile for a type without a file: its calls cost 0 (local models, echo, mock)', () => {
    expect(createPriceProfiles(dir).profileOf('echo')).toBeUndefined();
  });

  // A broken profile must stop the run: read as "no prices", every call would cost $0 and no budget would ever trip.
  it('names the file, line and column of a YAML syntax error, and exits 2', () => {
    const file = profile('openai', 'type: openai\nmodels:\n  gpt-4o: { input: 2.5, output: 10\n');
    const error = thrownLlmlabError(() => createPriceProfiles(dir).profileOf('openai'));
    expect(error.code).toBe('CONFIG_YAML');
    expect(error.where).toMatchObject({ file, line: expect.any(Number), col: expect.any(Number) });
    expect(error.format()).toMatch(new RegExp(`^${file}:\\d+:\\d+: price profile is not valid YAML`));
    expect(exitCodeFor(error)).toBe(2);
  });

  it('names the entry whose price is not a number', () => {
    const file = profile('openai', 'type: openai\nmodels:\n  gpt-4o: { input: cheap, output: 10 }\n');
    const error = thrownLlmlabError(() => createPriceProfiles(dir).profileOf('openai'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.format()).toBe(
      `${file}:3:20: price profile: \`models.gpt-4o.input\` must be a number of USD per million tokens (0 or more), got "cheap"\n` +
        '  hint: fix or restore the file (it ships with llmlab); prices for your own models go under `prices:` in llmlab.config.yaml',
    );
    expect(exitCodeFor(error)).toBe(2);
  });

  it('rejects a profile that is not a mapping of models', () => {
    profile('anthropic', '- just\n- a list\n');
    expect(thrownLlmlabError(() => createPriceProfiles(dir).profileOf('anthropic')).where).toMatchObject({ line: 1, col: 1 });
    profile('ollama', 'models: [gpt-4o]\n');
    expect(thrownLlmlabError(() => createPriceProfiles(dir).profileOf('ollama')).where).toMatchObject({ line: 1, col: 9 });
  });

  it('reports a profile that cannot be read, every time it is asked for', () => {
    mkdirSync(join(dir, 'openai.yaml'));
    const profiles = createPriceProfiles(dir);
    const error = thrownLlmlabError(() => profiles.profileOf('openai'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/^cannot read price profile: /);
    expect(error.where).toEqual({ file: join(dir, 'openai.yaml') });
    expect(exitCodeFor(error)).toBe(2);
    expect(() => profiles.profileOf('openai')).toThrow(/cannot read price profile/);
  });
});
