/**
 * A recipe's `forgetting:` suites: each is loaded as a suite of its own, and its prompts and tests join this suite as
 * a section that runs on the recipe's base and tuned models only. Prompt ids become `forgetting:<name>/<id>`, so
 * their cells never mix with the suite's own and the report can set them apart.
 */
import { basename, extname } from 'node:path';
import { LlmlabError } from '../errors.js';
import type { ForgettingSection, ResolvedFinetune, ResolvedProvider, ResolvedSuite } from './types.js';
import { addSource, type ResolveContext } from './context.js';

/** Prefix of a forgetting section's prompt ids. */
export const FORGETTING_PREFIX = 'forgetting:';

/** What the sections add to the suite besides themselves: graders and user metrics their tests use. */
export interface ResolvedForgetting {
  sections: ForgettingSection[];
  graders: Record<string, ResolvedProvider>;
  metrics: Record<string, string>;
}

/**
 * Loads every forgetting suite the recipes name (once each, however many recipes name it) with `load`. A forgetting
 * suite is a plain suite: one with recipes of its own would train inside another's evaluation, which is refused.
 */
export async function resolveForgetting(
  recipes: ResolvedFinetune[],
  providers: ResolvedProvider[],
  load: (path: string) => Promise<ResolvedSuite>,
  context: ResolveContext,
): Promise<ResolvedForgetting> {
  const sections = new Map<string, ForgettingSection>();
  const graders: Record<string, ResolvedProvider> = {};
  const metrics: Record<string, string> = {};
  const names = new Set<string>();
  for (const recipe of recipes) {
    const runners = [recipe.base, ...providers.filter((p) => p.finetune?.recipe === recipe.id).map((p) => p.label)];
    for (const path of recipe.forgetting) {
      let section = sections.get(path);
      if (!section) {
        const suite = await load(path);
        if (suite.finetunes || suite.forgetting) {
          throw new LlmlabError('CONFIG_INVALID', `forgetting suite ${path} has fine-tune recipes of its own`, {
            where: recipe.where,
            hint: 'a forgetting suite is a plain suite of prompts and tests (e.g. a GSM8K or MMLU sample)',
          });
        }
        const name = uniqueName(basename(path, extname(path)), names);
        section = {
          name,
          path,
          prompts: suite.prompts.map((p) => ({ ...p, id: `${FORGETTING_PREFIX}${name}/${p.id}` })),
          tests: suite.tests,
          providers: [],
        };
        sections.set(path, section);
        Object.assign(graders, suite.graders);
        Object.assign(metrics, suite.metrics);
        for (const source of suite.sources) addSource(context, source);
      }
      for (const label of runners) if (!section.providers.includes(label)) section.providers.push(label);
    }
  }
  return { sections: [...sections.values()], graders, metrics };
}

function uniqueName(name: string, taken: Set<string>): string {
  let unique = name;
  for (let n = 2; taken.has(unique); n++) unique = `${name}-${n}`;
  taken.add(unique);
  return unique;
}
