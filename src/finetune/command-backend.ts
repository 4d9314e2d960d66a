/**
 * `backend: command`: llmlab does not train, it runs the user's trainer (mlx-lm, Unsloth, axolotl,
 * LLaMA-Factory) on the validated data and turns its output directory into a provider (serve.ts). A point's files
 * live in `<workDir>/<hash>/`: `data/train.jsonl` (+ `data/valid.jsonl`), `output/` (the artifact) and
 * `train.log`. A succeeded point whose output still exists is served again without training. A local trainer
 * cannot be re-attached to once llmlab is gone, so Ctrl-C kills it and the next run starts it again (a trainer
 * that writes checkpoints outside `{{ output }}` can resume from them itself). Failures come back as outcomes:
 * the engine emits their `failed` stage events (engine/finetune-train.ts), this file only start, progress, done.
 */
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LlmlabError, messageOf } from '../errors.js';
import { isFinalJobStatus, type FinetuneJobRecord, type FinetuneJobStore } from '../store/index.js';
import { commandVars, renderCommandTemplate } from './command-template.js';
import { planServe, servedModel, serveArtifact, type ServePlan } from './serve.js';
import { isProcessGroupAlive, killProcessGroup, runTrainer, type TrainerExit } from './trainer-process.js';
import type { CommandSettings, StageContext, TrainingBackend, TrainingOutcome, TrainingPoint } from './types.js';

/** A training backend that runs `settings.run` and serves its output by `settings.serve`. */
export function createCommandBackend(settings: CommandSettings): TrainingBackend {
  return {
    async train(point, context) {
      // Every template is rendered before anything runs: a typo must not cost a training run.
      const { pointDir, vars, command, env, serve } = renderCommand(settings, point, context);

      const latest = context.jobs.latest(point.hash);
      if (latest?.status === 'succeeded' && latest.artifact !== undefined && isDirectory(latest.artifact)) {
        const message = `output ${shown(latest.artifact, context)}`;
        context.emit({ label: point.label, stage: 'train', status: 'reused', jobStatus: 'succeeded', message });
        return serveStep(latest, serve, point, context, true);
      }
      if (latest !== undefined && !isFinalJobStatus(latest.status)) {
        const pid = livePid(latest);
        if (pid !== undefined) {
          const reason = `a trainer of ${point.label} from an earlier run still runs (process ${pid}): wait for it to end, or stop it with \`llmlab finetune cancel ${pid}\``;
          return { ok: false, reason, record: latest };
        }
        const error = 'llmlab stopped while the trainer ran; how it ended is unknown';
        context.jobs.update(latest.hash, latest.attempt, { status: 'failed', error });
      }

      const logPath = join(pointDir, 'train.log');
      prepare(point, vars.dataDir, vars.output);
      const { hash, recipeId, label, estimatedUsd } = point;
      let record = context.jobs.start({ hash, recipeId, label, backend: 'command', estimatedUsd });
      record = context.jobs.update(record.hash, record.attempt, { artifact: vars.output });
      const exit = await runTrainer({
        command,
        cwd: context.baseDir,
        env,
        logPath,
        ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
        stop: context.stop,
        onStart(pid) {
          // Stored before the first line: `llmlab finetune cancel` finds the trainer by it.
          record = context.jobs.update(record.hash, record.attempt, { status: 'running', jobId: String(pid) });
          const message = `log ${shown(logPath, context)}`;
          context.emit({ label: point.label, stage: 'train', status: 'start', jobId: String(pid), jobStatus: 'running', message });
        },
        onLine(line) {
          context.emit({ label: point.label, stage: 'train', status: 'progress', jobId: record.jobId, jobStatus: 'running', message: line });
        },
      });
      return afterTraining(exit, record, serve, point, context, logPath);
    },

    cancel: (record, context) => cancelTrainer(record, context.jobs),
  };
}

/** Stops a stored attempt's trainer (its process group) if it still runs; needs no settings, only the record. */
export async function cancelTrainer(record: FinetuneJobRecord, jobs: FinetuneJobStore): Promise<FinetuneJobRecord> {
  if (isFinalJobStatus(record.status)) return record;
  const pid = livePid(record);
  if (pid !== undefined) killProcessGroup(pid);
  return jobs.update(record.hash, record.attempt, { status: 'cancelled', error: 'cancelled: the trainer was stopped' });
}

/**
 * Renders every template of a point's command settings and runs nothing: the engine can call it for each point
 * before the first training starts, so a typo is a usage error at once. Throws TEMPLATE_ERROR (an undefined
 * variable, named) or UNKNOWN_PROVIDER (`serve.provider.id`).
 */
export function checkCommandSettings(settings: CommandSettings, point: TrainingPoint, context: Pick<StageContext, 'workDir' | 'env'>): void {
  renderCommand(settings, point, context);
}

function renderCommand(settings: CommandSettings, point: TrainingPoint, context: Pick<StageContext, 'workDir' | 'env'>) {
  const pointDir = join(context.workDir, point.hash);
  const vars = commandVars(point, pointDir);
  const command = renderCommandTemplate(settings.run, vars, 'command.run');
  const env = { ...definedEnv(context.env), ...renderEnv(settings.env ?? {}, vars) };
  const serve = planServe(settings.serve, vars, context.env);
  return { pointDir, vars, command, env, serve };
}

async function afterTraining(
  exit: TrainerExit,
  started: FinetuneJobRecord,
  serve: ServePlan,
  point: TrainingPoint,
  context: StageContext,
  logPath: string,
): Promise<TrainingOutcome> {
  const { jobs } = context;
  const log = `log: ${shown(logPath, context)}`;
  if (exit.kind === 'stopped') {
    const error = 'stopped: a local trainer does not outlive llmlab; the next run starts it again';
    const record = jobs.update(started.hash, started.attempt, { status: 'cancelled', error });
    return { ok: false, interrupted: true, record };
  }
  if (exit.kind === 'exited' && exit.code === 0) {
    const record = jobs.update(started.hash, started.attempt, { status: 'succeeded' });
    const message = `output ${shown(record.artifact ?? '', context)}`;
    context.emit({ label: point.label, stage: 'train', status: 'done', jobId: record.jobId, jobStatus: 'succeeded', message });
    return serveStep(record, serve, point, context, false);
  }
  // `llmlab finetune cancel` from another shell killed it: that is the record's story, not a failure.
  const now = jobs.latest(started.hash);
  if (now?.attempt === started.attempt && now.status === 'cancelled') {
    return { ok: false, reason: `the trainer was cancelled (${log})`, record: now };
  }
  const reason = failureReason(exit, log);
  const record = jobs.update(started.hash, started.attempt, { status: 'failed', error: reason });
  return { ok: false, reason, record };
}

function failureReason(exit: Exclude<TrainerExit, { kind: 'stopped' }>, log: string): string {
  const tail = 'stderrTail' in exit && exit.stderrTail !== '' ? `: ${exit.stderrTail}` : '';
  switch (exit.kind) {
    case 'exited':
      return `trainer exited with code ${exit.code}${tail} (${log})`;
    case 'signalled':
      return `trainer was killed by ${exit.signal}${tail} (${log})`;
    case 'timeout':
      return `trainer ran past its timeoutMs and was stopped${tail} (${log})`;
    case 'spawn-error':
      return `cannot start the trainer: ${exit.message}`;
  }
}

/**
 * Serves a succeeded point. A serve that fails leaves the training succeeded (with the error noted), so the next
 * run serves again instead of training again.
 */
async function serveStep(
  record: FinetuneJobRecord,
  serve: ServePlan,
  point: TrainingPoint,
  context: StageContext,
  reused: boolean,
): Promise<TrainingOutcome> {
  const { jobs } = context;
  const model = servedModel(serve);
  context.emit({ label: point.label, stage: 'serve', status: 'start', message: model });
  try {
    const provider = await serveArtifact(serve, point, context.stop);
    const served = jobs.update(record.hash, record.attempt, { model, error: undefined });
    context.emit({ label: point.label, stage: 'serve', status: 'done', message: provider.id });
    return { ok: true, provider, record: served, reused };
  } catch (error) {
    if (context.stop.aborted) return { ok: false, interrupted: true, record };
    const detail = error instanceof LlmlabError && error.hint ? `${error.message} (${error.hint})` : messageOf(error);
    const reason = `serving the trained model failed: ${detail}`;
    const noted = jobs.update(record.hash, record.attempt, { error: reason });
    return { ok: false, reason, record: noted };
  }
}

/** A fresh `data/` with the validated files under mlx-lm's names, and an empty `output/` (a killed attempt's is gone). */
function prepare(point: TrainingPoint, dataDir: string, output: string): void {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(output, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(output, { recursive: true });
  copyFileSync(point.data.train, join(dataDir, 'train.jsonl'));
  if (point.data.validation !== undefined) copyFileSync(point.data.validation, join(dataDir, 'valid.jsonl'));
}

function renderEnv(env: Record<string, string>, vars: ReturnType<typeof commandVars>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, renderCommandTemplate(value, vars, `command.env.${name}`)]));
}

/** The trainer's process group while it lives (a record's `jobId` is its pid). */
function livePid(record: FinetuneJobRecord): number | undefined {
  const pid = Number(record.jobId);
  return record.jobId !== undefined && Number.isInteger(pid) && pid > 0 && isProcessGroupAlive(pid) ? pid : undefined;
}

function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** A path as the user reads it: relative to the suite's folder when inside it. */
function shown(path: string, context: StageContext): string {
  const rel = relative(context.baseDir, path);
  return rel !== '' && !rel.startsWith('..') ? rel : path;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
