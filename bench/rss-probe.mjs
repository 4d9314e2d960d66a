// Preloaded with `node --import ./bench/rss-probe.mjs`: writes the process's peak RSS (bytes) to
// $BENCH_RSS_FILE at exit, so the benchmark measures any command without changing it.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
