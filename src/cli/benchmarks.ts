/** `llmlab benchmarks`: the benchmark adapters, the data file each reads, its format and where it is published. */
import { benchmarkTypes, loadBenchmarkAdapter } from '../datasets/benchmarks.js';
import type { CliIo } from './io.js';

export async function benchmarksCommand(_flags: unknown, io: CliIo): Promise<number> {
  const lines: string[] = [];
  for (const type of benchmarkTypes) {
    const adapter = await loadBenchmarkAdapter(type);
    lines.push(`${adapter.id} — ${adapter.title}`);
    lines.push(`  reads:     ${adapter.format}`);
    lines.push(`  data:      ${adapter.source}`);
    lines.push(`  protocols: ${adapter.protocols.join(', ')}${adapter.executesCode ? ' (runs model code: needs allowCodeExecution)' : ''}`);
    lines.push(`  suite:     suites/benchmarks/${adapter.id}.yaml`);
    lines.push('');
  }
  lines.push('Nothing is downloaded: fetch the official files and set `dataset.path` (relative to the suite).');
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
