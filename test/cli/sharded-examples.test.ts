/**
 * The sharding examples in docs/examples are files users copy: the GitHub workflow must be one GitHub accepts and
 * wire shards → merge → gate as llmlab names things (checked like action.yml), and the Kubernetes Job must give pod
 * i the shard i+1 of n — its script is run here with a stand-in `npx` to see exactly what each pod would call.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { shardDbPath } from '../../src/cli/shard-flag.js';
import type { Step } from './github-step.js';
import { runCli } from './run-cli.js';

// Tests below that pass their own time limit (30 or 60 s) run several CLI processes in sequence: on a loaded 2-core
// machine that can outlast the e2e project's 20 s. The limit only bounds a hang; a passing test never waits it out.

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  'runs-on': string;
  strategy?: { 'fail-fast'?: boolean; matrix: { shard: number[] } };
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const STEP_KEYS = new Set(['id', 'name', 'uses', 'run', 'shell', 'if', 'with', 'env', 'continue-on-error']);
const expressions = (s: string) => [...s.matchAll(/\$\{\{([^}]*)\}\}/g)].map((m) => m[1]!.trim());
/** A GitHub `pattern` glob as a regular expression. */
const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

describe('docs/examples/sharded-workflow.yml', () => {
  const text = read('docs/examples/sharded-workflow.yml');
  const doc = parseDocument(text);
  const workflow = doc.toJS() as Workflow;
  const { shard, merge } = workflow.jobs;
  const n = Number(workflow.env.SHARDS);

  it('parses without errors or warnings, with a shard matrix of 1…n and a merge job after it', () => {
    expect([doc.errors, doc.warnings]).toEqual([[], []]);
    expect(Object.keys(workflow.on)).toContain('pull_request');
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(n).toBe(8);
    expect(shard!.strategy!.matrix.shard).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(shard!.strategy!['fail-fast']).toBe(false);
    expect(merge!.needs).toBe('shard');
    expect(merge!.if).toBe('${{ !cancelled() }}');
    for (const job of [shard!, merge!]) {
      expect(job['runs-on']).toBeTruthy();
      expect(job.steps[0]!.uses).toBe('actions/checkout@v4');
    }
  });

  it('knows every key of every step, pins actions, gives run steps bash, and never interpolates into a script', () => {
    for (const job of [shard!, merge!]) {
      const seen = new Set<string>();
      for (const step of job.steps) {
        for (const key of Object.keys(step)) expect(STEP_KEYS.has(key), `${step.name}: ${key}`).toBe(true);
        expect(Boolean(step.run) !== Boolean(step.uses), `${step.name}: exactly one of run and uses`).toBe(true);
        if (step.run) expect(step.shell, step.name).toBe('bash');
        if (step.run) expect(step.run, step.name).not.toContain('${{');
        if (step.uses) expect(step.uses, step.name).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
        for (const expr of expressions(JSON.stringify({ ...step, run: undefined }))) {
          for (const [, id] of expr.matchAll(/steps\.([\w-]+)\./g)) expect(seen.has(id!), `${step.name}: steps.${id} before it ran`).toBe(true);
          for (const [, ctx] of expr.matchAll(/^!?\(?(\w+)/g)) expect(['matrix', 'github', 'secrets', 'steps', 'always', 'cancelled'], `${step.name}: ${expr}`).toContain(ctx);
        }
        if (step.id) seen.add(step.id);
      }
    }
  });

  it('uploads each shard\'s database under a name of its own, and downloads every one of them for the merge', () => {
    const upload = shard!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    const cache = shard!.steps.find((s) => s.uses?.startsWith('actions/cache'))!;
    const download = merge!.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
    expect(upload.if).toBe('always()');
    const names = shard!.strategy!.matrix.shard.map((k) => String(upload.with!.name).replace('${{ matrix.shard }}', String(k)));
    expect(new Set(names).size).toBe(n);
    for (const name of names) expect(name).toMatch(glob(String(download.with!.pattern)));
    expect(download.with!['merge-multiple']).toBe(true);
    // The files are the ones `--shard k/n` writes by default, so the merge's glob finds every one.
    for (const k of shard!.strategy!.matrix.shard) {
      const file = shardDbPath('.llmlab/llmlab.db', { index: k, count: n });
      expect(String(cache.with!.path).replace('${{ matrix.shard }}', String(k))).toBe(file);
      expect(String(upload.with!.path).replace('${{ matrix.shard }}', String(k))).toBe(`${file}*`);
      expect(file.split('/').at(-1)).toMatch(glob('*.db'));
    }
    expect(cache.with!.key).toContain('${{ matrix.shard }}');
    const eval_ = shard!.steps.find((s) => s.run?.includes('llmlab eval'))!;
    expect(eval_.run).toContain('--shard "$SHARD/$SHARDS"');
    expect(eval_.env!.SHARD).toBe('${{ matrix.shard }}');
  });

  it('merges, then gates and reports the merged run, comments pr.md, and fails the job on a failed gate', () => {
    const runs = merge!.steps.map((s) => s.run ?? '');
    const at = (needle: string) => runs.findIndex((r) => r.includes(needle));
    expect(runs[at('llmlab merge')]).toBe('npx llmlab merge shards/*.db -o .llmlab/merged.db');
    const report = merge!.steps[at('llmlab report')]!;
    expect(report.run).toMatch(/^npx llmlab report latest --db \.llmlab\/merged\.db --gate -o \S+\.json -o (\S+pr\.md) -o \S+\.html$/);
    expect(report['continue-on-error']).toBe(true);
    expect(runs[at('llmlab ci comment')]).toBe(`npx llmlab ci comment --body-file ${/-o (\S+pr\.md)/.exec(report.run!)![1]}`);
    expect(at('llmlab merge')).toBeLessThan(at('llmlab report'));
    expect(merge!.steps.at(-1)!.if).toBe(`always() && steps.${report.id}.outcome == 'failure'`);
  });

  it('calls only commands and flags this llmlab has', async () => {
    const scripts = [shard!, merge!].flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n').replace(/\n(?=\s*-o )/g, ' ');
    const calls = [...scripts.matchAll(/npx llmlab (ci \w+|\w+)([^\n]*)/g)];
    expect(calls.map((c) => c[1])).toEqual(['eval', 'merge', 'report', 'ci comment']);
    for (const [, command, rest] of calls) {
      const help = await runCli([...command!.split(' ').slice(0, 1), '--help'], { cwd: ROOT });
      expect(help.code, command).toBe(0);
      for (const [, flag] of rest!.matchAll(/\s(--[a-z][\w-]*)/g)) expect(help.stdout, `${command} ${flag}`).toContain(flag!);
    }
  }, 30_000);
});

describe('docs/examples/sharded-job.yaml', () => {
  const doc = parseDocument(read('docs/examples/sharded-job.yaml'));
  const job = doc.toJS() as {
    apiVersion: string;
    kind: string;
    spec: {
      completionMode: string;
      completions: number;
      parallelism: number;
      template: { spec: { restartPolicy: string; containers: Array<{ command: string[]; args: string[]; env: Array<{ name: string }> }> } };
    };
  };
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'llmlab-k8s-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is an Indexed Job of n completions, all in parallel, that never restarts a pod in place', () => {
    expect([doc.errors, doc.warnings]).toEqual([[], []]);
    expect([job.apiVersion, job.kind, job.spec.completionMode]).toEqual(['batch/v1', 'Job', 'Indexed']);
    expect(job.spec.completions).toBe(8);
    expect(job.spec.parallelism).toBe(job.spec.completions);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.containers[0]!.env.map((e) => e.name)).toContain('OPENAI_API_KEY');
  });

  it('has pod i run shard i+1 of n into its own database, and leave it on the shared volume', () => {
    const [container] = job.spec.template.spec.containers;
    expect(container!.command).toEqual(['/bin/sh', '-c']);
    const script = container!.args[0]!.replaceAll('/work', join(tmp, 'work')).replaceAll('/results', join(tmp, 'results'));
    mkdirSync(join(tmp, 'bin'));
    // A stand-in for npx: records its arguments and writes the --db file, as llmlab would.
    writeFileSync(join(tmp, 'bin/npx'), `#!/bin/sh\necho "$@" >> "${join(tmp, 'calls.txt')}"\nfor a; do db="$a"; done\necho db > "$db"\n`);
    chmodSync(join(tmp, 'bin/npx'), 0o755);
    const n = job.spec.completions;
    for (let i = 0; i < n; i++) {
      mkdirSync(join(tmp, 'work'), { recursive: true });
      mkdirSync(join(tmp, 'results'), { recursive: true });
      execFileSync('/bin/sh', ['-c', script], { env: { PATH: `${join(tmp, 'bin')}:/usr/bin:/bin`, JOB_COMPLETION_INDEX: String(i) } });
      rmSync(join(tmp, 'work'), { recursive: true });
    }
    const calls = readFileSync(join(tmp, 'calls.txt'), 'utf8').trimEnd().split('\n');
    expect(calls).toEqual(
      Array.from({ length: n }, (_, i) => `llmlab eval suites/quickstart.yaml --shard ${i + 1}/${n} --db ${join(tmp, 'work', `llmlab.shard-${i + 1}-of-${n}.db`)}`),
    );
    const left = execFileSync('ls', [join(tmp, 'results')]).toString().trimEnd().split('\n');
    expect(left.sort()).toEqual(Array.from({ length: n }, (_, i) => `llmlab.shard-${i + 1}-of-${n}.db`).sort());
    expect(left.every((f) => glob('llmlab.shard-*-of-8.db').test(f))).toBe(true);
  });
});

describe('docs/sharding.md', () => {
  it('points at both examples and shows the commands as this llmlab names them', () => {
    const docs = read('docs/sharding.md');
    expect(docs).toContain('(examples/sharded-workflow.yml)');
    expect(docs).toContain('(examples/sharded-job.yaml)');
    expect(docs).toContain('.llmlab/llmlab.shard-2-of-8.db');
    expect(shardDbPath('.llmlab/llmlab.db', { index: 2, count: 8 })).toBe('.llmlab/llmlab.shard-2-of-8.db');
  });
});
