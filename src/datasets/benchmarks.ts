/**
 * Benchmark adapter registry for a suite's `dataset: { type }`: id → lazy module, one file per family named by
 * its id. Adapters read the official files from paths the user gives; nothing is downloaded.
 */
import type { BenchmarkAdapter } from './benchmark.js';

type Loader = () => Promise<{ default: BenchmarkAdapter }>;

const registry = {
  gsm8k: () => import('./gsm8k.js'),
  mmlu: () => import('./mmlu.js'),
  arc: () => import('./arc.js'),
  hellaswag: () => import('./hellaswag.js'),
  humaneval: () => import('./humaneval.js'),
  scienceqa: () => import('./scienceqa.js'),
} satisfies Record<string, Loader>;

/** Every benchmark adapter id. */
export type BenchmarkType = keyof typeof registry;
export const benchmarkTypes = Object.keys(registry) as BenchmarkType[];

export function isBenchmarkType(type: string): type is BenchmarkType {
  return Object.hasOwn(registry, type);
}

export async function loadBenchmarkAdapter(type: BenchmarkType): Promise<BenchmarkAdapter> {
  return (await registry[type]()).default;
}
