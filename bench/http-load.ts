/**
 * Open-model HTTP load for the gateway benchmark: autocannon at a fixed request rate, with every response's latency
 * kept at full resolution. autocannon's own histogram records whole milliseconds (and, when rate-limited, adds
 * coordinated-omission fill-ins at 1 ms steps), which cannot show a sub-millisecond overhead; its `response` event
 * carries the exact time, so percentiles here come from those.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

/** A chat request as small as a client sends; the same body goes to the upstream directly and through the gateway. */
export const CHAT_BODY = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'Say hello.' }] });

export interface LoadOptions {
  /** Base URL; requests go to `${url}/v1/chat/completions`. */
  url: string;
  seconds: number;
  /** Default 1,000 requests/s over 64 connections, the setting. */
  rate?: number;
  connections?: number;
}

export interface LoadResult {
  /** Latencies of 2xx responses, ms, ascending. */
  latencies: Float64Array;
  requests: number;
  perSecond: number;
  non2xx: number;
  errors: number;
}

export async function runLoad({ url, seconds, rate = 1000, connections = 64 }: LoadOptions): Promise<LoadResult> {
  const kept: number[] = [];
  const instance = autocannon({
    url: `${url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: CHAT_BODY,
    connections,
    overallRate: rate,
    duration: seconds,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) kept.push(ms);
  });
  const result = await instance;
  const latencies = Float64Array.from(kept).sort();
  return {
    latencies,
    requests: result.requests.total,
    perSecond: result.requests.total / result.duration,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * The same rate with evenly spaced arrivals (open loop: one request every 1/rate s whatever is in flight, on a
 * keep-alive pool of `connections` sockets). autocannon's `overallRate` gives each connection its share per second
 * and lets it send that share back to back from the top of each second, so its "1,000 requests/s" arrives as a
 * burst of 64 concurrent requests lasting a few hundred ms, then silence: its latency is mostly queueing behind
 * the burst, which multiplies any per-request cost by up to the 64 in flight. This shows the latency a request
 * sees at that average rate.
 */
export async function runPaced({ url, seconds, rate = 1000, connections = 64 }: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(`${url}/v1/chat/completions`);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(CHAT_BODY)) };
  const kept: number[] = [];
  let [sent, non2xx, errors, settled] = [0, 0, 0, 0];
  const total = Math.round(seconds * rate);
  const one = () => {
    const started = performance.now();
    const req = request(target, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode! >= 200 && res.statusCode! < 300) kept.push(performance.now() - started);
        else non2xx++;
        settled++;
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
    req.on('error', () => {
      errors++;
      settled++;
    });
    req.end(CHAT_BODY);
  };
  const begin = performance.now();
  await new Promise<void>((done) => {
    const tick = () => {
      // Catch up on every arrival due by now: timers wake late on a loaded machine, the schedule must not slip.
      const due = Math.min(total, Math.floor(((performance.now() - begin) * rate) / 1000));
      for (; sent < due; sent++) one();
      if (sent < total) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  while (settled < total) await new Promise((r) => setTimeout(r, 10));
  const wall = (performance.now() - begin) / 1000;
  agent.destroy();
  return { latencies: Float64Array.from(kept).sort(), requests: total, perSecond: kept.length / wall, non2xx, errors };
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Several runs' latencies as one ascending array. */
export function pooled(results: LoadResult[]): Float64Array {
  const all = new Float64Array(results.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const r of results) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  return all.sort();
}

/** A process's resident memory now, bytes (Linux: /proc/<pid>/status VmRSS). */
export function rssOf(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** CPU time a process has used so far (user + system), ms, from /proc/<pid>/stat at the kernel's tick. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime: fields 14 and 15 of the whole line
  return (ticks * 1000) / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux the project runs on (getconf CLK_TCK), and node offers no way to ask. */
const CLOCK_TICKS = 100;
