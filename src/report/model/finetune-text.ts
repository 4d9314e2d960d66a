/**
 * The fine-tune block's text, one surface-neutral list of lines that the console, the PR comment and the HTML report
 * each escape their own way: per recipe its data counts, one training line per point, the tuned-versus-base pass
 * rate (per point for a sweep), the chosen point's metrics and forgetting deltas, and which point was chosen. Every
 * difference comes with its interval and p: never a bare "better".
 */
import type { FinetuneDifference, FinetunePassComparison, FinetuneRecipeSummary } from './finetune-summary.js';
import { formatP, formatUsd, pct, signedPoints, signed } from '../shared.js';

/** Characters of a backend's job id or model name shown; the JSON report holds them whole. */
const NAME_CHARS = 40;
/** Characters of a job's error shown. */
const ERROR_CHARS = 200;

/** The block's lines, unescaped: names and errors are a backend's text. */
export function finetuneLines(recipes: readonly FinetuneRecipeSummary[] | undefined): string[] {
  return (recipes ?? []).flatMap(recipeLines);
}

function recipeLines(r: FinetuneRecipeSummary): string[] {
  const sweep = r.points.length > 1;
  const chosen = r.points.find((p) => p.label === r.chosen?.label);
  const lines = [`fine-tune ${r.id} (base ${r.base})`, `  data     ${dataText(r.validation)}`];
  for (const p of r.points) lines.push(`  training ${p.label}  ${trainingText(p)}`);
  for (const p of r.points) {
    const head = sweep ? `${p.point || p.label}  ` : '';
    lines.push(`  pass     ${head}${p.pass ? passText(p.pass, 'Holm') : 'no tuned cells to compare'}`);
  }
  for (const m of chosen?.metrics ?? []) {
    lines.push(`  metric   ${m.metric}  ${m.base.toFixed(2)} → ${m.tuned.toFixed(2)}  ${scoreDifference(m.difference)}  ${formatP(m.adjustedPValue)} (Holm)  n=${m.n}`);
  }
  for (const f of r.forgetting) lines.push(`  forgetting ${f.name}  ${passText(f, 'Holm', false)}`);
  if (r.chosen && sweep) lines.push(`  chosen   ${r.chosen.point || r.chosen.label} (${r.chosen.reason})`);
  return lines;
}

/** `120 train / 20 validation examples · 48,210 tokens · 0 leaked · 2 near duplicates`, then any other problem. */
export function dataText(v: Record<string, number>): string {
  const n = (key: string) => v[key] ?? 0;
  const extra = [
    ['exactDuplicates', 'exact duplicate'],
    ['overContext', 'over the context window'],
    ['secrets', 'secret'],
    ['warnings', 'warning'],
  ].flatMap(([key, what]) => (n(key!) > 0 ? [`${count(n(key!))} ${what}${n(key!) === 1 || what!.startsWith('over') ? '' : 's'}`] : []));
  return [
    `${count(n('train'))} train / ${count(n('validation'))} validation examples`,
    `${count(n('trainTokens'))} tokens`,
    `${count(n('leakedTests'))} leaked`,
    `${count(n('nearDuplicates'))} near duplicate${n('nearDuplicates') === 1 ? '' : 's'}`,
    ...extra,
  ].join(' · ');
}

/** `succeeded  ftjob-abc  ft:gpt-4o-mini…  144,630 tokens  $0.43 est.`, or the job's error. */
export function trainingText(p: FinetuneRecipeSummary['points'][number]): string {
  const est = `${formatUsd(p.estimatedUsd)} est.`;
  if (!p.job) return `no job stored  ${est}`;
  const parts = [
    p.job.status,
    ...(p.job.jobId ? [name(p.job.jobId)] : []),
    ...(p.job.model ? [name(p.job.model)] : []),
    ...(p.job.trainedTokens !== undefined ? [`${count(p.job.trainedTokens)} tokens`] : []),
    est,
    ...(p.job.error ? [`— ${cut(p.job.error.replace(/\s+/g, ' '), ERROR_CHARS)}`] : []),
  ];
  return parts.join('  ');
}

/** `base 62.5% → tuned 80.0%  +17.5 pts [+5.2, +29.8]  p=0.004 (Holm)  n=40`. */
export function passText(c: FinetunePassComparison, label: string, named = true): string {
  const rates = named ? `base ${pct(c.base)} → tuned ${pct(c.tuned)}` : `${pct(c.base)} → ${pct(c.tuned)}`;
  return `${rates}  ${pointsDifference(c.difference)}  ${formatP(c.adjustedPValue)} (${label})  n=${c.n}`;
}

/** `+17.5 pts [+5.2, +29.8]`, with the confidence when it is not 95 % (a sweep's simultaneous interval). */
export function pointsDifference(d: FinetuneDifference): string {
  return `${signedPoints(d.estimate)} pts [${signedPoints(d.low)}, ${signedPoints(d.high)}]${confidenceNote(d)}`;
}

function scoreDifference(d: FinetuneDifference): string {
  const two = (x: number) => signed(x, (m) => m.toFixed(2));
  return `${two(d.estimate)} [${two(d.low)}, ${two(d.high)}]${confidenceNote(d)}`;
}

function confidenceNote(d: FinetuneDifference): string {
  return Math.abs(d.confidence - 0.95) < 1e-9 ? '' : ` (${(d.confidence * 100).toFixed(1)}% simultaneous)`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function name(text: string): string {
  return cut(text, NAME_CHARS);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
