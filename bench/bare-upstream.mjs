// The cheapest upstream the gateway benchmark can put behind the gateway: a bare node:http server that reads the
// request body and answers every POST with the same chat.completion. No routing, parsing or token counting, so
// its own cost per request is as small as node can make it. Prints its URL on stdout, then serves until killed.
// Usage: node bench/bare-upstream.mjs
import { createServer } from 'node:http';

const BODY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 8, completion_tokens: 4, total_tokens: 12 },
});
const HEADERS = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) };

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
