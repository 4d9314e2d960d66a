/**
 * Few-shot examples per item, as lm-evaluation-harness draws them. The default sampler keeps one generator,
 * `random.Random(seed)` (seed 1234 unless set), for the whole run; each item in file order draws its own shots
 * from it with `sample(pool, k)`. When the shots come from the split under test it draws k + 1 and drops the
 * item itself (compared by content, as lm-eval's `x != doc`), so no item is ever among its own shots. MMLU
 * uses lm-eval's `first_n` sampler instead: the first k of the subject's dev rows.
 */
import { LlmlabError } from '../errors.js';
import { readJsonlRows } from './benchmark.js';
import type { FewshotOptions, JsonlRow } from './benchmark.js';
import { PythonRandom } from './python-random.js';

/** Draws each item's shots, in the order items are passed to `next`. */
export class FewshotSampler<T> {
  private readonly random: PythonRandom;

  /**
   * `key` gives an item's identity by content; `sameSplit` is true when the shots come from the files under
   * test, so an item must not be its own example.
   */
  constructor(
    private readonly pool: readonly T[],
    private readonly k: number,
    seed: number,
    private readonly sameSplit: boolean,
    private readonly key: (item: T) => string,
  ) {
    this.random = new PythonRandom(seed);
    const needed = sameSplit ? k + 1 : k;
    if (k > 0 && pool.length < needed) {
      throw new LlmlabError('DATASET_INVALID', `the few-shot file has ${pool.length} rows; k = ${k} needs at least ${needed}`, {
        hint: 'lower `fewshot.k`, or point `fewshot.path` at a larger split (usually the train split)',
      });
    }
  }

  /** The shots of `item`: k examples, never the item itself. */
  next(item: T): T[] {
    if (this.k === 0) return [];
    if (!this.sameSplit) return this.random.sample(this.pool, this.k);
    const own = this.key(item);
    return this.random
      .sample(this.pool, this.k + 1)
      .filter((shot) => this.key(shot) !== own)
      .slice(0, this.k);
  }
}

/** True when the few-shot files are the files under test (the same split): lm-eval then excludes the item. */
export function sameFiles(a: readonly string[], b: readonly string[]): boolean {
  const sorted = [...b].sort();
  return a.length === b.length && [...a].sort().every((file, i) => file === sorted[i]);
}

/** lm-eval's plain-text context: each shot as `query + " " + answer + "\n\n"`, then the item's query. */
export function fewshotText(shots: ReadonlyArray<{ query: string; answer: string }>): string {
  return shots.map((shot) => `${shot.query} ${shot.answer}\n\n`).join('');
}

/**
 * The sampler of a JSON Lines benchmark: the pool read from the few-shot files, rows compared by content. With
 * no `fewshot:` every item gets no shots.
 */
export async function jsonlSampler(fewshot: FewshotOptions | undefined, testFiles: readonly string[]): Promise<FewshotSampler<JsonlRow>> {
  const pool: JsonlRow[] = [];
  for (const file of fewshot?.files ?? []) pool.push(...(await readJsonlRows(file)));
  const rowKey = (row: JsonlRow) => JSON.stringify(row.value);
  return new FewshotSampler(pool, fewshot?.k ?? 0, fewshot?.seed ?? 1234, sameFiles(fewshot?.files ?? [], testFiles), rowKey);
}
