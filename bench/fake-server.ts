/**
 * The fake OpenAI server in its own process, so that the benchmark's client (llmlab or the bare SDK loop) gets
 * a core of its own. Prints its URL on stdout, then serves until killed.
 * Usage: node --import tsx bench/fake-server.ts <latencyMs>
 */
import { startFakeOpenAI } from '../test/fakes/index.js';

const latencyMs = Number(process.argv[2] ?? 0);
const server = await startFakeOpenAI({ latencyMs, record: false });
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
