/** The console's cost-vs-quality block: the Pareto frontier, what is dominated and by what, and the recommendation. */
import { targetName, type ParetoSummary } from '../model/pareto.js';

export function formatPareto(pareto: ParetoSummary | undefined): string[] {
  // One target has nothing to trade off against, and a run that cost nothing has no cost to weigh (the JSON
  // report still carries the frontier).
  if (!pareto || pareto.points.length < 2 || pareto.points.every((p) => p.costUsd === 0)) return [];
  const lines = ['cost vs quality (pass rate ↑, cost ↓, p95 latency ↓)'];
  lines.push(`  frontier: ${pareto.frontier.join(', ')}`);
  for (const point of pareto.points) {
    if (point.dominated) lines.push(`  dominated: ${targetName(point)} by ${point.dominatedBy.join(', ')}`);
  }
  if (pareto.recommendation) lines.push(`  ${pareto.recommendation.line}`);
  return lines;
}
