/**
 * `finetunes:` recipes → ResolvedFinetune, and the `finetune:<id>` entries of `providers:` → one tuned provider per
 * training point. A tuned provider takes its base's type, config and limits; its model is a placeholder the train
 * stage replaces. Each point's content hash covers the data files' bytes, so editing the data (or anything else that
 * changes what would be trained) makes a new job, and nothing else does.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import type { FinetuneFile, ProviderFile, ResolvedFinetune, ResolvedProvider, ResolvedTrainingPoint, SuiteFile } from './types.js';
import { addSource, type ResolveContext } from './context.js';
import { canonicalJson } from './suite-hash.js';
import { suggestionHint } from './did-you-mean.js';
import { fileError, type PathSegment } from './yaml-source.js';

type Scalar = number | string | boolean;

/** Hyperparameters OpenAI's fine-tuning API takes, by our name; `beta` for dpo only. */
const OPENAI_KEYS = ['epochs', 'learningRateMultiplier', 'batchSize', 'beta'];

/** A sweep larger than this is almost certainly a typo, and each point is a paid training job. */
const MAX_POINTS = 50;

/** What resolving the recipes gives load-suite: the recipes, and the provider list with tuned models in place. */
export interface ResolvedFinetunes {
  finetunes: ResolvedFinetune[];
  providers: ResolvedProvider[];
}

/**
 * Resolves the recipes against the suite's other providers (`resolved`, in order, without `finetune:` entries), and
 * returns the full provider list in the order of `providers:`, each `finetune:<id>` entry expanded to its points.
 */
export async function resolveFinetunes(suite: SuiteFile, resolved: ResolvedProvider[], context: ResolveContext): Promise<ResolvedFinetunes> {
  const written = suite.finetunes ?? [];
  const recipes = new Map<string, ResolvedFinetune>();
  for (const [i, recipe] of written.entries()) {
    const path: PathSegment[] = ['finetunes', i];
    if (recipes.has(recipe.id)) {
      context.problems.add(new LlmlabError('CONFIG_INVALID', `duplicate fine-tune id \`${recipe.id}\``, { where: context.source.locate([...path, 'id']), hint: 'give each recipe its own id' }));
      continue;
    }
    const done = await resolveRecipe(recipe, path, resolved, context);
    if (done) recipes.set(recipe.id, done);
  }
  const providers: ResolvedProvider[] = [];
  const evaluated = new Set<string>();
  let plain = 0;
  for (const [i, entry] of (suite.providers ?? []).entries()) {
    const spec = typeof entry === 'string' ? { id: entry } : entry;
    if (!spec.id.startsWith('finetune:')) {
      // resolveProviders dropped entries with problems: keep the order of those it resolved.
      const next = resolved[plain];
      if (next && next.id === spec.id) {
        providers.push(next);
        plain++;
      }
      continue;
    }
    const id = spec.id.slice('finetune:'.length);
    const recipe = recipes.get(id);
    const idPath: PathSegment[] = typeof entry === 'string' ? ['providers', i] : ['providers', i, 'id'];
    if (!recipe) {
      if (written.some((r) => r.id === id)) continue; // the recipe itself had a problem, already reported
      const known = written.map((r) => r.id);
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `\`${spec.id}\` names no fine-tune recipe`, {
          where: context.source.locate(idPath),
          hint: known.length === 0 ? 'declare the recipe under `finetunes:` (see docs/finetune.md)' : suggestionHint(id, known, 'recipes'),
        }),
      );
      continue;
    }
    evaluated.add(id);
    providers.push(...tunedProviders(recipe, spec, resolved));
  }
  for (const [i, recipe] of written.entries()) {
    if (recipes.has(recipe.id) && !evaluated.has(recipe.id)) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `fine-tune \`${recipe.id}\` is trained but never evaluated`, {
          where: context.source.locate(['finetunes', i, 'id']),
          hint: `add \`finetune:${recipe.id}\` to providers:`,
        }),
      );
    }
  }
  return { finetunes: [...recipes.values()], providers };
}

/** The tuned providers of one `finetune:<id>` entry: one per point, with the entry's config over the base's. */
function tunedProviders(recipe: ResolvedFinetune, spec: Exclude<ProviderFile, string>, resolved: ResolvedProvider[]): ResolvedProvider[] {
  const base = resolved.find((p) => p.label === recipe.base)!;
  return recipe.points.map((point) => ({
    id: spec.id,
    type: base.type,
    model: point.label,
    label: recipe.points.length === 1 && spec.label !== undefined ? spec.label : point.label,
    config: { ...base.config, ...spec.config },
    limits: base.limits,
    // A tuned OpenAI model is priced by its base's tuned prices (providers/openai.yaml `tunedInput`/`tunedOutput`).
    pricedAs: { type: base.type, model: `ft:${base.model}:tuned` },
    finetune: { recipe: recipe.id, point: point.point, hash: point.hash },
  }));
}

async function resolveRecipe(
  recipe: FinetuneFile,
  path: PathSegment[],
  resolved: ResolvedProvider[],
  context: ResolveContext,
): Promise<ResolvedFinetune | undefined> {
  const problem = (at: PathSegment[], message: string, hint: string) => {
    context.problems.add(new LlmlabError('CONFIG_INVALID', message, { where: context.source.locate([...path, ...at]), hint }));
  };
  const base = resolved.find((p) => p.label === recipe.base) ?? resolved.find((p) => p.id === recipe.base);
  if (!base) {
    const names = resolved.map((p) => p.label);
    problem(['base'], `fine-tune \`${recipe.id}\`: base \`${recipe.base}\` is not one of the suite's providers`, names.length === 0 ? 'list the base model under providers:' : suggestionHint(recipe.base, names, 'providers'));
    return undefined;
  }
  const backend = recipe.backend ?? (recipe.command ? 'command' : 'openai');
  if (backend === 'openai' && base.type !== 'openai') {
    problem(['base'], `fine-tune \`${recipe.id}\`: the openai backend trains OpenAI models, and \`${base.label}\` is a ${base.type} provider`, 'use an openai base, or `backend: command` with a local trainer');
    return undefined;
  }
  if (backend === 'command' && !recipe.command) {
    problem(['backend'], `fine-tune \`${recipe.id}\`: \`backend: command\` needs \`command:\` (run and serve)`, 'see docs/finetune.md for a local LoRA recipe');
    return undefined;
  }
  const method = recipe.method ?? 'supervised';
  const hyperparameters = { ...recipe.hyperparameters } as Record<string, Scalar>;
  if (backend === 'openai') {
    for (const [key, value] of Object.entries(hyperparameters)) checkOpenAIValue(key, value, method, [...path, 'hyperparameters', key], problem, recipe.id);
    for (const [key, values] of Object.entries(recipe.sweep ?? {})) {
      for (const [j, value] of values.entries()) checkOpenAIValue(key, value, method, [...path, 'sweep', key, j], problem, recipe.id);
    }
  }
  const points = sweepPoints(recipe.sweep);
  if (points.length > MAX_POINTS) {
    problem(['sweep'], `fine-tune \`${recipe.id}\`: the sweep has ${points.length} points (at most ${MAX_POINTS})`, 'each point is a training job: sweep fewer values');
    return undefined;
  }
  const data = await dataFiles(recipe, path, context);
  if (!data) return undefined;
  const forgetting = (recipe.forgetting ?? []).map((ref) => resolve(context.baseDir, ref.slice('file:'.length)));
  const settings = {
    base: { type: base.type, model: base.model, baseUrl: base.config['baseUrl'] ?? null },
    method,
    backend,
    suffix: recipe.suffix ?? null,
    command: recipe.command ?? null,
    data: data.hashes,
  };
  const resolvedPoints: ResolvedTrainingPoint[] = points.map((values) => {
    const merged = { ...hyperparameters, ...values };
    const point = Object.entries(values).map(([k, v]) => `${k}=${String(v)}`).join(',');
    return {
      point,
      label: point === '' ? `finetune:${recipe.id}` : `finetune:${recipe.id}[${point}]`,
      hash: createHash('sha256').update(canonicalJson({ ...settings, hyperparameters: merged })).digest('hex'),
      hyperparameters: merged,
    };
  });
  return {
    id: recipe.id,
    base: base.label,
    method,
    backend,
    data: data.paths,
    hyperparameters,
    points: resolvedPoints,
    select: recipe.select ?? 'pass',
    ...(recipe.suffix ? { suffix: recipe.suffix } : {}),
    ...(recipe.command ? { command: recipe.command } : {}),
    validation: {
      leakage: recipe.validation?.leakage ?? 'error',
      nearDuplicateThreshold: recipe.validation?.nearDuplicateThreshold ?? 0.8,
      ...(recipe.validation?.contextWindow ? { contextWindow: recipe.validation.contextWindow } : {}),
    },
    poll: { initialMs: recipe.poll?.intervalMs ?? 5000, maxMs: recipe.poll?.maxIntervalMs ?? 60_000 },
    forgetting,
    where: context.source.locate(path),
  };
}

function checkOpenAIValue(
  key: string,
  value: Scalar,
  method: string,
  at: PathSegment[],
  problem: (at: PathSegment[], message: string, hint: string) => void,
  id: string,
): void {
  const rel = at.slice(2);
  if (!OPENAI_KEYS.includes(key) || (key === 'beta' && method !== 'dpo')) {
    const allowed = method === 'dpo' ? OPENAI_KEYS : OPENAI_KEYS.slice(0, 3);
    problem(rel, `fine-tune \`${id}\`: OpenAI has no hyperparameter \`${key}\`${key === 'beta' ? ' for supervised training' : ''}`, suggestionHint(key, allowed, 'OpenAI hyperparameters'));
  } else if (value !== 'auto' && !(typeof value === 'number' && value > 0)) {
    problem(rel, `fine-tune \`${id}\`: \`${key}\` must be a positive number or \`auto\`, got ${JSON.stringify(value)}`, `e.g. ${key}: ${key === 'epochs' ? 3 : 'auto'}`);
  } else if (key === 'epochs' || key === 'batchSize') {
    if (typeof value === 'number' && !Number.isInteger(value)) problem(rel, `fine-tune \`${id}\`: \`${key}\` must be a whole number, got ${value}`, `e.g. ${key}: 3`);
  }
}

/** The cartesian product of a sweep's values, in the order written; one empty point without a sweep. */
function sweepPoints(sweep: FinetuneFile['sweep']): Array<Record<string, Scalar>> {
  let points: Array<Record<string, Scalar>> = [{}];
  for (const [key, values] of Object.entries(sweep ?? {})) {
    points = points.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  }
  return points;
}

/** The data files, checked to exist, and a hash of each one's bytes. */
async function dataFiles(
  recipe: FinetuneFile,
  path: PathSegment[],
  context: ResolveContext,
): Promise<{ paths: ResolvedFinetune['data']; hashes: Record<string, string> } | undefined> {
  const paths: Record<string, string> = {};
  const hashes: Record<string, string> = {};
  for (const role of ['train', 'validation'] as const) {
    const ref = recipe.data[role];
    if (ref === undefined) continue;
    const file = resolve(context.baseDir, ref.slice('file:'.length));
    try {
      hashes[role] = await hashFile(file);
      paths[role] = file;
      addSource(context, file);
    } catch (error) {
      context.problems.add(fileError(error, file, `${role} data of fine-tune \`${recipe.id}\``, context.source.locate([...path, 'data', role])));
    }
  }
  if (paths['train'] === undefined || Object.keys(paths).length !== Object.keys(recipe.data).length) return undefined;
  return { paths: { train: paths['train'], ...(paths['validation'] ? { validation: paths['validation'] } : {}) }, hashes };
}

/** sha256 of a file, streamed: training data may be hundreds of megabytes. */
function hashFile(file: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });
}
