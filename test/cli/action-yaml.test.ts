/** action.yml and the workflow in docs/ci.md are YAML GitHub must accept: parse them and check what it checks. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import type { Step } from './github-step.js';
import { runCli } from './run-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;


interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const text = readFileSync(`${ROOT}action.yml`, 'utf8');
const action = parse(text) as Action;
const STEP_KEYS = new Set(['id', 'name', 'uses', 'run', 'shell', 'if', 'with', 'env', 'working-directory', 'continue-on-error']);

/** Every `${{ … }}` expression in a string. */
const expressions = (s: string) => [...s.matchAll(/\$\{\{([^}]*)\}\}/g)].map((m) => m[1]!.trim());

describe('action.yml', () => {
  it('parses without errors or warnings and is a composite action with described inputs and outputs', () => {
    const doc = parseDocument(text);
    expect([doc.errors, doc.warnings]).toEqual([[], []]);
    expect(action.runs.using).toBe('composite');
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toBeTruthy();
      expect(typeof (input.default ?? ''), name).toBe('string');
    }
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['suites', 'node-version', 'working-directory', 'github-token', 'comment', 'fail-on-gate', 'base-ref', 'on-missing-keys', 'artifact-name']),
    );
    expect(action.inputs['base-ref']!.default).toBe('${{ github.base_ref }}');
    expect(action.inputs['fail-on-gate']!.default).toBe('true');
    expect(action.inputs['on-missing-keys']!.default).toBe('skip');
    // The version is the action's own: there is nothing to choose.
    expect(action.inputs['llmlab-version']).toBeUndefined();
  });

  it('gives every run step a shell, uses pinned actions, and knows every key of every step', () => {
    for (const step of action.runs.steps) {
      for (const key of Object.keys(step)) expect(STEP_KEYS.has(key), `${step.name}: ${key}`).toBe(true);
      expect(Boolean(step.run) !== Boolean(step.uses), `${step.name}: exactly one of run and uses`).toBe(true);
      if (step.run) expect(step.shell, step.name).toBe('bash');
      if (step.uses) expect(step.uses, step.name).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
    const uses = action.runs.steps.map((s) => s.uses?.replace(/@.*/, '')).filter(Boolean);
    expect(uses).toEqual(['actions/setup-node', 'actions/cache', 'actions/cache', 'actions/upload-artifact']);
  });

  it('references only inputs that exist and steps that ran before, and never interpolates into a script', () => {
    const inputs = new Set(Object.keys(action.inputs));
    const seen = new Set<string>();
    for (const step of action.runs.steps) {
      const exprs = expressions(JSON.stringify({ ...step, run: undefined }));
      for (const expr of exprs) {
        for (const [, name] of expr.matchAll(/inputs\.([\w-]+)/g)) expect(inputs.has(name!), `${step.name}: inputs.${name}`).toBe(true);
        for (const [, id] of expr.matchAll(/steps\.([\w-]+)\./g)) expect(seen.has(id!), `${step.name}: steps.${id} before it ran`).toBe(true);
      }
      // Inputs reach scripts through env: an expression inside `run` would be script injection.
      if (step.run) expect(step.run, step.name).not.toContain('${{');
      if (step.id) seen.add(step.id);
    }
    for (const [name, output] of Object.entries(action.outputs)) {
      for (const [, id] of output.value.matchAll(/steps\.([\w-]+)\./g)) expect(seen.has(id!), `output ${name}`).toBe(true);
    }
  });

  it('caches the database the steps use, and uploads the folder the head step writes', () => {
    const steps = action.runs.steps;
    const cache = steps.find((s) => s.uses?.startsWith('actions/cache') && String(s.with?.path).endsWith('/.llmlab'))!;
    const head = steps.find((s) => s.id === 'head')!;
    expect(cache.with!.path).toBe('${{ inputs.working-directory }}/.llmlab');
    expect(head.env!.LLMLAB_DB).toBe('${{ github.workspace }}/${{ inputs.working-directory }}/.llmlab/llmlab.db');
    expect(head.run).toContain('--out-dir reports/llmlab');
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!.path).toBe('${{ inputs.working-directory }}/reports/llmlab');
    expect(steps.findIndex((s) => s.id === 'base')).toBeLessThan(steps.indexOf(head));
    expect(head['continue-on-error']).toBe(true);
    expect(steps.at(-1)!.if).toContain("steps.head.outcome == 'failure'");
    // Matrix jobs share github.job and the run id: the job index keeps their database saves apart.
    expect(cache.with!.key).toContain('${{ strategy.job-index }}');
  });

  it('runs llmlab from its own checkout, built once and cached, never from the registry', () => {
    expect(text).not.toMatch(/llmlab@(latest|\d)|npx llmlab|npm (i|install) (-g|--global)/);
    const steps = action.runs.steps;
    const locate = steps.find((s) => s.id === 'locate')!;
    expect(locate.run).toContain('cd "$GITHUB_ACTION_PATH"');
    expect(locate.run).toContain('echo "bin=$GITHUB_ACTION_PATH/dist/cli/bin.js" >> "$GITHUB_OUTPUT"');
    expect(locate.run).toContain('echo "LLMLAB_BIN=$GITHUB_ACTION_PATH/dist/cli/bin.js" >> "$GITHUB_ENV"');
    const build = steps.find((s) => s.id === 'build-cache')!;
    expect(build.uses).toBe('actions/cache@v4');
    expect(String(build.with!.path).trim().split('\n')).toEqual(['${{ github.action_path }}/node_modules', '${{ github.action_path }}/dist']);
    expect(build.with).toMatchObject({ key: '${{ steps.locate.outputs.build-key }}', 'restore-keys': '${{ steps.locate.outputs.deps-key }}-' });
    const install = steps[steps.indexOf(build) + 1]!;
    expect(install.if).toBe("steps.build-cache.outputs.cache-hit != 'true'");
    expect(install.run).toMatch(/cd "\$GITHUB_ACTION_PATH"\n.*npm ci --no-audit --no-fund/);
    // Every llmlab step runs the built bin of this checkout, with the Node set up above.
    const ciSteps = steps.filter((s) => s.run?.includes('"$LLMLAB" ci '));
    expect(ciSteps.map((s) => s.id)).toEqual(['base', 'head', 'comment']);
    for (const step of ciSteps) {
      expect(step.run, step.id).toMatch(/^node "\$LLMLAB" ci /);
      expect(step.env!.LLMLAB, step.id).toBe('${{ steps.locate.outputs.bin }}');
    }
  });

  it('keys the build by the lock file (node_modules) and the sources (dist), per OS and Node ABI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmlab-action-'));
    try {
      for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'tools/typescript-6/package.json']) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        cpSync(`${ROOT}${file}`, join(dir, file));
      }
      mkdirSync(join(dir, 'src/cli'), { recursive: true });
      writeFileSync(join(dir, 'src/cli/bin.ts'), 'export {};\n');
      const locate = () => {
        const out = join(dir, 'out.txt');
        writeFileSync(out, '');
        const env = { ...process.env, GITHUB_ACTION_PATH: dir, GITHUB_OUTPUT: out, GITHUB_ENV: join(dir, 'env.txt'), RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64' };
        execFileSync('bash', ['-c', action.runs.steps.find((s) => s.id === 'locate')!.run!], { env, stdio: 'pipe' });
        return Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
      };
      const first = locate();
      expect(first).toEqual({
        'deps-key': expect.stringMatching(new RegExp(`^llmlab-action-Linux-X64-abi${process.versions.modules}-[0-9a-f]{20}$`)),
        'build-key': expect.stringMatching(/-[0-9a-f]{20}-[0-9a-f]{20}$/),
        bin: `${dir}/dist/cli/bin.js`,
      });
      expect(first['build-key']!.startsWith(`${first['deps-key']}-`)).toBe(true);
      expect(locate()).toEqual(first);
      writeFileSync(join(dir, 'src/cli/bin.ts'), 'export const changed = 1;\n');
      const edited = locate();
      expect([edited['deps-key'], edited['build-key'] === first['build-key']]).toEqual([first['deps-key'], false]);
      writeFileSync(join(dir, 'package-lock.json'), '{}\n');
      expect(locate()['deps-key']).not.toBe(first['deps-key']);
      expect(readFileSync(join(dir, 'env.txt'), 'utf8')).toContain(`LLMLAB_BIN=${dir}/dist/cli/bin.js\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the artifact per job and matrix position, unless artifact-name says otherwise', () => {
    const steps = action.runs.steps;
    const head = steps.find((s) => s.id === 'head')!;
    expect(action.inputs['artifact-name']!.default).toBe('');
    expect(head.env).toMatchObject({
      ARTIFACT: '${{ inputs.artifact-name }}',
      LLMLAB_MATRIX: '${{ toJSON(matrix) }}',
      LLMLAB_JOB_INDEX: '${{ strategy.job-index }}',
      ON_MISSING_KEYS: '${{ inputs.on-missing-keys }}',
    });
    expect(head.run).toContain('--artifact "$ARTIFACT" --on-missing-keys "$ON_MISSING_KEYS"');
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with!.name).toBe("${{ steps.head.outputs.artifact-name || inputs.artifact-name || format('llmlab-report-{0}-{1}', github.job, strategy.job-index) }}");
    expect(action.outputs['artifact-name']!.value).toBe('${{ steps.head.outputs.artifact-name }}');
    expect(action.outputs.gate!.description).toContain('skipped');
  });

  it('calls only llmlab ci steps and flags that exist', async () => {
    const help = await runCli(['ci', '--help'], { cwd: ROOT });
    expect(help.code).toBe(0);
    const scripts = action.runs.steps.map((s) => s.run ?? '').filter((r) => r.includes('"$LLMLAB" ci ')).join('\n');
    const flags = [...scripts.matchAll(/\s(--[a-z][\w-]*)/g)].map((m) => m[1]!);
    expect(flags.length).toBeGreaterThan(3);
    for (const flag of new Set(flags)) expect(help.stdout, flag).toContain(flag);
    for (const [, step] of scripts.matchAll(/"\$LLMLAB" ci (\w+)/g)) expect(['base', 'head', 'comment']).toContain(step);
  });
});

describe('docs/ci.md', () => {
  const docs = readFileSync(`${ROOT}docs/ci.md`, 'utf8');
  const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('has a complete workflow that parses and uses the action with its real inputs', () => {
    const doc = parseDocument(blocks[0]!);
    expect([doc.errors, doc.warnings]).toEqual([[], []]);
    const workflow = doc.toJS() as {
      name: string;
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
    };
    expect(Object.keys(workflow.on)).toContain('pull_request');
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const [job] = Object.values(workflow.jobs);
    expect(job!['runs-on']).toBeTruthy();
    expect(job!.steps[0]!.uses).toBe('actions/checkout@v4');
    const llmlab = job!.steps.find((s) => s.uses?.startsWith('llmlab/llmlab@'))!;
    for (const key of Object.keys(llmlab.with ?? {})) expect(Object.keys(action.inputs), key).toContain(key);
    for (const step of job!.steps) if (step.run) expect(step.shell ?? 'bash').toBeTruthy();
  });

  it('shows gates that the suite schema accepts', () => {
    const gates = blocks.map((b) => parse(b) as { gates?: Record<string, unknown> }).find((b) => b?.gates)!.gates!;
    const schema = JSON.parse(readFileSync(`${ROOT}schemas/suite.schema.json`, 'utf8')) as { properties: { gates: { properties: Record<string, unknown> } } };
    expect(Object.keys(gates).sort()).toEqual(Object.keys(schema.properties.gates.properties).sort());
  });

  it('documents every input of the action', () => {
    for (const input of Object.keys(action.inputs)) expect(docs, input).toContain(`| \`${input}\` |`);
  });
});
