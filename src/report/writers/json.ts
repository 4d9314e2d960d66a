/**
 * The JSON report (schema: schemas/report.schema.json). Written as a stream of cells straight from the store,
 * so a 100,000-cell report never exists in memory as one object or one string.
 */
import type { RunRecord, Store } from '../../store/index.js';
import type { RunSummary } from '../summary.js';
import { writeChunked } from './write-chunked.js';
import { REPORT_SCHEMA_VERSION } from '../shared.js';

/** Bump on any breaking change to the report's shape, and update the schema. */

/** Everything in the report except the cells. */
export function reportHeader(run: RunRecord, summary: RunSummary, llmlabVersion: string) {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generator: `llmlab ${llmlabVersion}`,
    run: {
      id: run.id,
      status: run.status,
      suite: { path: run.suitePath, hash: run.suiteHash, description: run.description ?? null },
      gitSha: run.gitSha ?? null,
      createdAt: new Date(run.createdAt).toISOString(),
      finishedAt: run.finishedAt ? new Date(run.finishedAt).toISOString() : null,
      options: run.options,
      // Only on a shard's run or a merged run, so a whole run's report is as before.
      ...(run.shard ? { shard: run.shard } : {}),
    },
    summary,
  };
}

/** Writes the JSON report of `run` to `path`. */
export function writeJsonReport(path: string, store: Store, run: RunRecord, summary: RunSummary, version: string): void {
  const head = JSON.stringify(reportHeader(run, summary, version), null, 2);
  writeChunked(path, (function* () {
    yield `${head.slice(0, -2)},\n  "cells": [`;
    let first = true;
    for (const cell of store.results.iterate(run.id)) {
      yield `${first ? '\n' : ',\n'}    ${JSON.stringify(cell)}`;
      first = false;
    }
    yield `${first ? '' : '\n  '}]\n}\n`;
  })());
}
