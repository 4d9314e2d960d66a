/**
 * gateway.yaml → ResolvedGateway: validated against schemas/gateway.schema.json, every candidate resolved like a
 * suite's provider entry (the same options checks and errors), names cross-checked (a key's models, an
 * experiment's model and arms, split shares), prompt files read. Every problem is reported at its file:line:col,
 * all at once.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LlmlabError } from '../errors.js';
import { priceKey } from '../providers/prices.js';
import type { GatewayFile, KeyFile, VirtualModelFile } from '../schema-types/gateway-file.js';
import { checkBuiltIn } from './check-value.js';
import { suggestionHint } from './did-you-mean.js';
import type { FallbackRule, FallbackTrigger, GatewayCandidate, KeyPolicy, ResolvedGateway, VirtualModel } from './gateway-types.js';
import { loadProjectConfig } from './project-config.js';
import { ProblemList } from './problems.js';
import { resolvePrices } from './resolve-budget.js';
import { resolveProviderEntry } from './resolve-providers.js';
import type { ProjectConfig, ResolvedProvider } from './types.js';
import { resolveExperiments, type GatewayContext } from './resolve-gateway-experiments.js';
import { readYamlFile, type PathSegment } from './yaml-source.js';

/** File name `llmlab gateway` reads when given no `--config`. */
export const GATEWAY_FILE = 'gateway.yaml';

export interface LoadGatewayOptions {
  /** Where relative `--config`/`--db` paths start, and where llmlab.config.yaml is looked for. */
  cwd: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** The `--db` flag: wins over the config's `db` and the project's. Relative to `cwd`. */
  db?: string;
}

const DEFAULT_FALLBACK: FallbackRule = { on: ['429', '5xx', 'timeout', 'error'], cooldownMs: 30_000, failures: 3 };
const DEFAULT_TIMEOUT_MS = 60_000;

type Context = GatewayContext;

/** Loads and resolves a gateway config; throws LlmlabError(s) with positions when anything is wrong. */
export async function loadGatewayConfig(path: string, options: LoadGatewayOptions): Promise<ResolvedGateway> {
  const file = resolve(options.cwd, path);
  const source = await readYamlFile(file, { what: 'gateway config' });
  const problems = new ProblemList();
  problems.addProblems(checkBuiltIn('gateway', source.value ?? {}, { subject: 'gateway config' }), 'CONFIG_INVALID', source.locate);
  problems.throwIfAny();
  const raw = source.value as GatewayFile;
  const baseDir = dirname(file);
  const project = await loadProjectConfig({ cwd: baseDir, ...(options.env ? { env: options.env } : {}) });
  const context: Context = { source, problems, baseDir };

  const named = await resolveNamedProviders(raw, project, context);
  const models: Record<string, VirtualModel> = {};
  const used: ResolvedProvider[] = [];
  for (const [name, model] of Object.entries(raw.models)) {
    const candidates = await resolveCandidates(name, model, named, project, context);
    used.push(...candidates);
    models[name] = resolveModel(name, model, candidates, context);
  }
  const keys = raw.keys === undefined ? undefined : resolveKeys(raw.keys, models, context);
  const experiments = await resolveExperiments(raw.experiments ?? {}, models, project, context);
  const graders = Object.values(experiments).flatMap((e) => (e.metric.judge ? [e.metric.judge.grader] : []));
  const { prices } = resolvePrices({}, project, [...used, ...graders]);
  const priceOf = (p: ResolvedProvider) => prices[priceKey(p.type, p.model)];
  for (const model of Object.values(models)) {
    for (const candidate of model.candidates) {
      const price = priceOf(candidate.provider);
      if (price) candidate.price = price;
    }
  }
  for (const experiment of Object.values(experiments)) {
    const judge = experiment.metric.judge;
    const price = judge && priceOf(judge.grader);
    if (judge && price) judge.price = price;
  }
  problems.throwIfAny();
  let db = project.db;
  if (options.db !== undefined && options.db !== '') db = resolve(options.cwd, options.db);
  else if (raw.db !== undefined) db = resolve(baseDir, raw.db);
  return { file, baseDir, models, ...(keys ? { keys } : {}), experiments, log: raw.log ?? 'metadata', db };
}

/** `providers:` by label (and by id, for entries without a label). */
async function resolveNamedProviders(raw: GatewayFile, project: ProjectConfig, context: Context): Promise<Map<string, ResolvedProvider>> {
  const named = new Map<string, ResolvedProvider>();
  for (const [i, entry] of (raw.providers ?? []).entries()) {
    const provider = await resolveProviderEntry(entry, ['providers', i], project, context);
    if (!provider) continue;
    if (named.has(provider.label)) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `duplicate provider label \`${provider.label}\` in providers[${i}]`, {
          where: context.source.locate(['providers', i]),
          hint: 'candidates name providers by label, so labels must differ: give one a `label:`',
        }),
      );
    }
    named.set(provider.label, provider);
  }
  return named;
}

async function resolveCandidates(
  name: string,
  model: VirtualModelFile,
  named: Map<string, ResolvedProvider>,
  project: ProjectConfig,
  context: Context,
): Promise<ResolvedProvider[]> {
  const resolved: ResolvedProvider[] = [];
  for (const [i, candidate] of model.candidates.entries()) {
    const path = ['models', name, 'candidates', i];
    const known = named.get(candidate);
    if (known) {
      resolved.push(known);
      continue;
    }
    if (!candidate.includes(':') && named.size > 0) {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `candidate \`${candidate}\` of model \`${name}\` is not a provider label`, {
          where: context.source.locate(path),
          hint: `${suggestionHint(candidate, [...named.keys()], 'labels in providers')}; or write a provider id such as openai:gpt-4o-mini`,
        }),
      );
      continue;
    }
    const provider = await resolveProviderEntry(candidate, path, project, context);
    if (provider) resolved.push(provider);
  }
  return resolved;
}

function resolveModel(name: string, model: VirtualModelFile, providers: ResolvedProvider[], context: Context): VirtualModel {
  const at = (...rest: PathSegment[]) => context.source.locate(['models', name, ...rest]);
  const strategy = model.strategy ?? 'fallback';
  const candidates: GatewayCandidate[] = providers.map((provider) => ({ label: provider.label, provider }));
  const labels = candidates.map((c) => c.label);
  const resolved: VirtualModel = {
    name,
    strategy,
    candidates,
    fallback: resolveFallback(model.fallback),
    timeoutMs: model.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  if (strategy === 'quality' && !model.quality) {
    context.problems.add(
      new LlmlabError('CONFIG_INVALID', `model \`${name}\` routes on quality but has no \`quality:\``, {
        where: at('strategy'),
        hint: 'add `quality: { suite: suites/<suite>.yaml, metric: pass, minRate: 0.9 }` (the suite whose stored runs rank the candidates)',
      }),
    );
  }
  if (model.quality) {
    if (strategy !== 'quality') {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `model \`${name}\` has \`quality:\` but routes by \`${strategy}\``, {
          where: at('quality'),
          hint: 'set `strategy: quality` to route on it, or remove `quality:`',
        }),
      );
    }
    const suite = resolve(context.baseDir, model.quality.suite);
    if (!existsSync(suite)) {
      context.problems.add(
        new LlmlabError('FILE_NOT_FOUND', `quality suite not found: ${model.quality.suite}`, {
          where: at('quality', 'suite'),
          hint: 'the path is relative to the gateway config',
        }),
      );
    }
    resolved.quality = {
      suite,
      metric: model.quality.metric ?? 'pass',
      minRate: model.quality.minRate,
      prefer: model.quality.prefer ?? 'cheapest',
      ...(model.quality.prompt === undefined ? {} : { prompt: model.quality.prompt }),
    };
  }
  if (model.weights) {
    if (strategy !== 'split') {
      context.problems.add(
        new LlmlabError('CONFIG_INVALID', `model \`${name}\` has \`weights:\` but routes by \`${strategy}\``, {
          where: at('weights'),
          hint: 'set `strategy: split` to split traffic by weight, or remove `weights:`',
        }),
      );
    }
    for (const label of Object.keys(model.weights)) {
      if (!labels.includes(label)) {
        context.problems.add(
          new LlmlabError('CONFIG_INVALID', `weight for \`${label}\`, which is not a candidate of \`${name}\``, {
            where: context.source.locate(['models', name, 'weights', label], { key: true }),
            hint: suggestionHint(label, labels, 'candidates'),
          }),
        );
      }
    }
    const total = Object.values(model.weights).reduce((a, b) => a + b, 0);
    if (total <= 0) {
      context.problems.add(new LlmlabError('CONFIG_INVALID', `the weights of \`${name}\` are all 0`, { where: at('weights'), hint: 'give at least one candidate a positive weight' }));
    } else {
      resolved.weights = Object.fromEntries(labels.map((label) => [label, (model.weights?.[label] ?? 0) / total]));
    }
  }
  if (model.cache === 'exact') resolved.cache = { mode: 'exact' };
  else if (typeof model.cache === 'object') resolved.cache = { mode: 'exact', ...(model.cache.ttlSeconds ? { ttlMs: model.cache.ttlSeconds * 1000 } : {}) };
  return resolved;
}

function resolveFallback(written: VirtualModelFile['fallback']): FallbackRule {
  if (!written) return { ...DEFAULT_FALLBACK };
  // YAML reads an unquoted 429 as a number.
  const on = written.on ? [...new Set(written.on.map((t) => String(t) as FallbackTrigger))] : DEFAULT_FALLBACK.on;
  return { on, cooldownMs: written.cooldownMs ?? DEFAULT_FALLBACK.cooldownMs, failures: written.failures ?? DEFAULT_FALLBACK.failures };
}

function resolveKeys(keys: Record<string, KeyFile>, models: Record<string, VirtualModel>, context: Context): Record<string, KeyPolicy> {
  const names = Object.keys(models);
  const resolved: Record<string, KeyPolicy> = {};
  for (const [id, key] of Object.entries(keys)) {
    for (const [i, model] of (key.models ?? []).entries()) {
      if (!Object.hasOwn(models, model)) {
        context.problems.add(
          new LlmlabError('CONFIG_INVALID', `key \`${id}\` allows model \`${model}\`, which is not declared`, {
            where: context.source.locate(['keys', id, 'models', i]),
            hint: suggestionHint(model, names, 'models'),
          }),
        );
      }
    }
    resolved[id] = {
      id,
      ...(key.budgetUsd ? { budgetUsd: { ...key.budgetUsd } } : {}),
      ...(key.rpm === undefined ? {} : { rpm: key.rpm }),
      ...(key.models ? { models: [...key.models] } : {}),
    };
  }
  return resolved;
}
