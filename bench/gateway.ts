/**
 * `llmlab gateway` overhead and memory: 1,000 requests/s over 64 connections, first straight at a 0 ms upstream,
 * then through the gateway (the built CLI in its own process) in front of that upstream, in alternating rounds so
 * drift on a shared machine hits both. Two load shapes at that rate: autocannon's (the issue's; it sends in bursts,
 * see runPaced) and evenly paced arrivals. Added latency = gateway − direct at p50 and p99 of the pooled rounds,
 * plus the gateway's CPU per request, which does not depend on how the load is shaped. Then a soak (BENCH_GATEWAY_SOAK_S, default 30 s; 600 is the 10-minute soak of 600k
 * requests) samples the gateway's RSS. Prints figures beside published ones for other gateways; asserts nothing.
 *
 * The upstream: both the fake OpenAI server (bench/fake-server.ts) and a bare node:http answer
 * (bench/bare-upstream.mjs) are measured, and the one that costs less CPU per request is kept: on two cores the
 * upstream's cost competes with the gateway's. Run alone: `node --import tsx bench/gateway.ts` (after `npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { cpuMsOf, percentile, pooled, rssOf, runLoad, runPaced, type LoadOptions, type LoadResult } from './http-load.js';

type Line = [what: string, value: string, bar: string];
type Load = (options: LoadOptions) => Promise<LoadResult>;

const ROOT = resolve(import.meta.dirname, '..');
const ROUNDS = 3;
const ROUND_S = Number(process.env.BENCH_GATEWAY_ROUND_S ?? 10);
const SOAK_S = Number(process.env.BENCH_GATEWAY_SOAK_S ?? 30);
const SOAK_WARMUP_S = 10;
const PUBLISHED = 'published, not measured here: LiteLLM docs single-digit ms; an independent localhost benchmark ~4 ms LiteLLM, ~2.5 ms Portkey OSS';

/** A folder: run the gateway under `node --cpu-prof` and write its profile there (see docs/performance.md). */
const CPU_PROF = process.env.BENCH_GATEWAY_CPU_PROF;

interface Proc {
  url: string;
  pid: number;
  stop(): unknown;
}

export async function benchGateway(bin = join(ROOT, 'dist/cli/bin.js')): Promise<Line[]> {
  const work = mkdtempSync(join(tmpdir(), 'llmlab-bench-gateway-'));
  const procs: Proc[] = [];
  const lines: Line[] = [];
  try {
    const upstream = await pickUpstream(procs, lines);
    let gateway: Proc;
    try {
      gateway = await startGateway(bin, work, upstream.url);
      procs.push(gateway);
    } catch (error) {
      lines.push(['llmlab gateway', 'not measured', `did not start: ${(error as Error).message.split('\n')[0]}`]);
      return lines;
    }
    await runLoad({ url: gateway.url, seconds: 5 }); // warm-up: JIT, the provider's connection pool, SQLite pages
    lines.push(...(await overhead(gateway, upstream)));
    const reported = await selfReportedOverhead(gateway.url);
    if (reported !== undefined) lines.push(['gateway overhead as it reports itself (/metrics, mean)', ms(reported), 'what x-llmlab-overhead-ms says']);
    lines.push(await soak(gateway));
    return lines;
  } finally {
    for (const proc of procs) await proc.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

interface Upstream extends Proc {
  name: string;
  /** CPU the upstream process spends per request, µs. */
  cpuUs: number;
}

/** Both upstreams, direct; the one cheaper per request stays (and is returned), the other is stopped. */
async function pickUpstream(procs: Proc[], lines: Line[]): Promise<Upstream> {
  const measuredUpstreams: Upstream[] = [];
  for (const [kind, name] of [['fake', 'fake OpenAI server'], ['bare', 'bare node:http server']] as const) {
    const proc = await startUpstream(kind);
    procs.push(proc);
    await runLoad({ url: proc.url, seconds: 2 }); // JIT and connections
    const { result, cpuUsPerRequest } = await measured(proc, proc.url, ROUND_S);
    measuredUpstreams.push({ ...proc, name, cpuUs: cpuUsPerRequest });
    lines.push([`gateway bench: autocannon straight at the ${name}`, latencyText(result.latencies), `upstream CPU ${cpuUsPerRequest.toFixed(0)} µs/request`]);
  }
  const [cheaper, dearer] = [...measuredUpstreams].sort((x, y) => x.cpuUs - y.cpuUs) as [Upstream, Upstream];
  dearer.stop();
  return cheaper;
}

/**
 * Direct and through the gateway, alternating, for each load shape; then the added latency of the pooled rounds.
 * Every load over 64 connections. Past the gateway's capacity a fixed-rate load only measures the queue: read the
 * throughput and CPU figures first.
 */
async function overhead(gateway: Proc, upstream: Upstream): Promise<Line[]> {
  const shape = (how: string, load: Load) => ({ how, load, direct: [] as LoadResult[], through: [] as LoadResult[], cpuUs: 0 });
  const shapes = [
    shape('1,000 req/s, autocannon overallRate (bursts at the top of each second)', runLoad),
    shape('1,000 req/s, paced (1 request per ms)', runPaced),
    // Far below any capacity: the latency a request gains with no queue in front of it.
    shape('100 req/s, paced (light load)', (options) => runPaced({ ...options, rate: 100 })),
  ];
  for (let round = 0; round < ROUNDS; round++) {
    for (const shape of shapes) {
      shape.direct.push(await shape.load({ url: upstream.url, seconds: ROUND_S }));
      const { result, cpuUsPerRequest } = await measured(gateway, gateway.url, ROUND_S, shape.load);
      shape.through.push(result);
      shape.cpuUs += cpuUsPerRequest / ROUNDS;
    }
  }
  const lines: Line[] = [];
  for (const { how, direct, through, cpuUs } of shapes) {
    const [d, g] = [pooled(direct), pooled(through)];
    const added = (p: number) => percentile(g, p) - percentile(d, p);
    lines.push(
      [`${how}: direct to the ${upstream.name} (${ROUNDS} × ${ROUND_S} s pooled)`, latencyText(d), 'reference'],
      [`${how}: through llmlab gateway`, latencyText(g), `${perSecond(through)} req/s served; gateway CPU ${cpuUs.toFixed(0)} µs/request (upstream ${upstream.cpuUs.toFixed(0)}); ${failuresText(through)}`],
      [`${how}: gateway added latency, p50`, ms(added(50)), `bar ≤ 1 ms (${added(50) <= 1 ? 'met' : 'OVER'}); ${PUBLISHED}`],
      [`${how}: gateway added latency, p99`, ms(added(99)), `bar ≤ 3 ms (${added(99) <= 3 ? 'met' : 'OVER'})`],
    );
  }
  return lines;
}

/** One load run with the CPU the serving process spent on it (/proc/<pid>/stat: immune to how the load is shaped). */
async function measured(server: Proc, url: string, seconds: number, load: Load = runLoad): Promise<{ result: LoadResult; cpuUsPerRequest: number }> {
  const cpuBefore = cpuMsOf(server.pid);
  const result = await load({ url, seconds });
  return { result, cpuUsPerRequest: ((cpuMsOf(server.pid) - cpuBefore) * 1000) / Math.max(1, result.requests) };
}

/** RSS after a warm-up at the soak's load, then every 5 s of the soak and at its end. */
async function soak(gateway: Proc): Promise<Line> {
  // The baseline at the soak's own load: after the light-load round the heap has shrunk, and growing back to its
  // working size under full load is not a leak.
  await runLoad({ url: gateway.url, seconds: SOAK_WARMUP_S });
  // RSS saw-tooths with the garbage collector by tens of MB; one sample at each end measures where in the tooth they
  // fell. Growth is the median of the last quarter of the samples against the median of the first quarter.
  const samples: number[] = [rssOf(gateway.pid)];
  const sampler = setInterval(() => samples.push(rssOf(gateway.pid)), 5000);
  const result = await runLoad({ url: gateway.url, seconds: SOAK_S }).finally(() => clearInterval(sampler));
  samples.push(rssOf(gateway.pid));
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const first = median(samples.slice(0, quarter));
  const last = median(samples.slice(-quarter));
  const growth = ((last - first) / first) * 100;
  return [
    `gateway RSS over a ${SOAK_S} s soak (${result.requests.toLocaleString('en-US')} requests, ${samples.length} samples; BENCH_GATEWAY_SOAK_S=600 for the 10-minute soak)`,
    `median of the first quarter ${mb(first)} → of the last ${mb(last)} (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %, range ${mb(Math.min(...samples))}–${mb(Math.max(...samples))})`,
    `bar < 5 % (${growth < 5 ? 'met' : 'OVER'}); soak p50 ${ms(percentile(result.latencies, 50))}, p99 ${ms(percentile(result.latencies, 99))}; ${failuresText([result])}`,
  ];
}

/** Mean of `llmlab_gateway_overhead_seconds` from the gateway's own /metrics, ms; undefined when it has none. */
async function selfReportedOverhead(url: string): Promise<number | undefined> {
  const response = await fetch(`${url}/metrics`).catch(() => undefined);
  if (!response?.ok) return undefined;
  const text = await response.text();
  const sum = /^llmlab_gateway_overhead_seconds_sum (\S+)$/m.exec(text)?.[1];
  const count = /^llmlab_gateway_overhead_seconds_count (\S+)$/m.exec(text)?.[1];
  return sum && Number(count) > 0 ? (Number(sum) / Number(count)) * 1000 : undefined;
}

async function startUpstream(kind: 'fake' | 'bare'): Promise<Proc> {
  const args =
    kind === 'bare'
      ? [join(ROOT, 'bench/bare-upstream.mjs')]
      : ['--import', new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href, join(ROOT, 'bench/fake-server.ts'), '0'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', done);
    child.once('exit', (code) => fail(new Error(`the ${kind} upstream exited ${code}`)));
  });
  return { url: line.trim(), pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

/** `llmlab gateway` with one virtual model `bench` whose one candidate is the upstream; ready when /health is 200. */
async function startGateway(bin: string, work: string, upstreamUrl: string): Promise<Proc> {
  const config = join(work, 'gateway.yaml');
  writeFileSync(
    config,
    `log: metadata\nproviders:\n  - id: openai:bench\n    config: { baseUrl: "${upstreamUrl}/v1" }\n` + `models:\n  bench:\n    candidates: [openai:bench]\n`,
  );
  const port = await freePort();
  const profile = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(CPU_PROF)}`] : [];
  const child = spawn(process.execPath, [...profile, bin, 'gateway', '--config', config, '--port', String(port), '--db', join(work, 'gateway.db')], {
    cwd: work,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => stderr);
  return { url, pid: child.pid!, stop: () => (CPU_PROF ? interrupt(child) : child.kill('SIGKILL')) };
}

/** Ctrl-C, as a person stops the gateway: node writes a --cpu-prof profile only on a normal exit. */
async function interrupt(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitForHealth(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`llmlab gateway exited ${child.exitCode}: ${stderr().trim()}`);
    const status = await fetch(`${url}/health`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`llmlab gateway: /health did not answer 200 within 30 s: ${stderr().trim()}`);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const latencyText = (sorted: Float64Array) => `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}`;

function perSecond(results: LoadResult[]): string {
  return (results.reduce((n, r) => n + r.perSecond, 0) / results.length).toFixed(0);
}

function failuresText(results: LoadResult[]): string {
  const non2xx = results.reduce((n, r) => n + r.non2xx, 0);
  const errors = results.reduce((n, r) => n + r.errors, 0);
  return `${non2xx} non-2xx, ${errors} errors/timeouts`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [what, value, bar] of await benchGateway()) process.stdout.write(`${what}: ${value}   (${bar})\n`);
}
