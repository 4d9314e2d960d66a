// The physical reference: the openai SDK in a bare loop, `concurrency` calls in flight, against the same fake
// server llmlab is measured on. Prints one JSON line: calls, wallMs, callsPerSec.
// Usage: node bench/bare-sdk.mjs <baseURL> <calls> <concurrency>
import OpenAI from 'openai';

const [baseURL, calls, concurrency] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: 'bench', maxRetries: 0 });
let next = 0;
const started = performance.now();
async function worker() {
  while (next < calls) {
    const i = next++;
    const res = await client.chat.completions.create({
      model: i % 2 ? 'bench-a' : 'bench-b',
      messages: [{ role: 'user', content: `Answer in one sentence: question number ${i}` }],
    });
    if (!res.choices[0]?.message.content) throw new Error('empty answer');
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const wallMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ calls, wallMs, callsPerSec: calls / (wallMs / 1000) })}\n`);
