/**
 * The JSON experiment report: the report model as it is, with a schema version and the generator. An unbounded
 * interval (before the burn-in) is written as null, since JSON has no Infinity.
 */
import type { ExperimentReport } from '../model/experiment.js';
import { writeTextAtomic } from './write-atomic.js';

/** Bump on any breaking change to the shape. */
export const EXPERIMENT_REPORT_SCHEMA_VERSION = 1;

export function experimentJson(report: ExperimentReport, generator: string): string {
  const body = { schemaVersion: EXPERIMENT_REPORT_SCHEMA_VERSION, generator, generatedAt: new Date(report.at).toISOString(), ...report };
  return `${JSON.stringify(body, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}

export function writeExperimentJson(path: string, report: ExperimentReport, generator: string): void {
  writeTextAtomic(path, experimentJson(report, generator));
}
