// A stand-in for a real trainer (mlx-lm, Unsloth, axolotl), so the fine-tune example runs offline in seconds:
// it "learns" the training answers by heart and writes a model module to its output directory, which the suite
// serves as a `file:` provider. A real recipe runs the real trainer here (docs/finetune.md shows one with mlx-lm).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
const examples = readFileSync(args.train, 'utf8').split('\n').filter(Boolean).map((line) => {
  const messages = JSON.parse(line).messages;
  return { question: messages.find((m) => m.role === 'user').content, answer: messages.at(-1).content };
});
for (let epoch = 1; epoch <= Number(args.epochs); epoch++) console.log(`epoch ${epoch}/${args.epochs}: loss ${(1 / (epoch + 1)).toFixed(3)}`);
writeFileSync(join(args.out, 'examples.json'), JSON.stringify(examples));
writeFileSync(join(args.out, 'model.mjs'), `import { readFileSync } from 'node:fs';
const examples = JSON.parse(readFileSync(new URL('./examples.json', import.meta.url), 'utf8'));
const words = (text) => new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);
// The general skill the base model had (and a careless tune could lose): adding two numbers.
const sum = (text) => { const m = /(\\d+)\\s*\\+\\s*(\\d+)/.exec(text); return m ? String(Number(m[1]) + Number(m[2])) : undefined; };
export default function generate(request) {
  const asked = request.prompt;
  const arithmetic = sum(asked);
  if (arithmetic) return arithmetic;
  const mine = words(asked);
  let best = { score: 0, answer: 'I am not sure; please write to support.' };
  for (const example of examples) {
    const theirs = words(example.question);
    const shared = [...theirs].filter((w) => mine.has(w)).length;
    const score = shared / theirs.size;
    if (score > best.score) best = { score, answer: example.answer };
  }
  return best.answer;
}
`);
console.log(`wrote ${join(args.out, 'model.mjs')}`);
