/**
 * `llmlab experiment report <name>`: an A/B experiment of the gateway, read back from its request log and outcomes
 * — per arm n, mean with interval and cost, each treatment against the control with the anytime-valid test, and the
 * sample-ratio-mismatch check. Prints the console summary (or `--json`) and writes `-o` files by extension.
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { suggestionHint } from '../config/did-you-mean.js';
import { GATEWAY_FILE, loadGatewayConfig } from '../config/load-gateway.js';
import { LlmlabError } from '../errors.js';
import { experimentOutcome } from '../gateway/experiment-metric.js';
import type { Experiment } from '../gateway/types.js';
import { formatExperimentReport } from '../report/console/experiment-lines.js';
import { experimentReport, type ExperimentDefinition, type ExperimentReport } from '../report/model/experiment.js';
import { experimentJson } from '../report/writers/experiment-json.js';
import { fileFault } from '../report/writers/write-atomic.js';
import { createGatewayStore } from '../store/gateway.js';
import type { ArmUnits } from '../store/gateway-types.js';
import { openStore } from '../store/index.js';
import type { CliIo } from './io.js';
import { list } from './context.js';
import { version } from './version.js';

/** Flags of `llmlab experiment`. */
export interface ExperimentFlags {
  config?: string;
  output?: string | string[];
  json?: boolean;
  db?: string;
  /** The time the report is of (tests); default now. */
  now?: number;
}

type Writer = (path: string, report: ExperimentReport, generator: string) => Promise<void>;

/** Extension → writer, each loaded only when asked for. */
const WRITERS: Record<string, Writer> = {
  '.md': async (path, r, g) => (await import('../report/writers/experiment-markdown.js')).writeExperimentMarkdown(path, r, g),
  '.html': async (path, r, g) => (await import('../report/writers/experiment-html.js')).writeExperimentHtml(path, r, g),
  '.json': async (path, r, g) => (await import('../report/writers/experiment-json.js')).writeExperimentJson(path, r, g),
};

const ACTIONS = ['report'];

export async function experimentCommand(action: string, name: string, flags: ExperimentFlags, io: CliIo): Promise<number> {
  if (!ACTIONS.includes(String(action))) {
    throw new LlmlabError('USAGE', `unknown experiment action \`${action}\``, { hint: `${suggestionHint(String(action), ACTIONS)} (e.g. llmlab experiment report tone-test)` });
  }
  const outputs = list(flags.output);
  for (const path of outputs) {
    if (!Object.hasOwn(WRITERS, extname(path).toLowerCase())) {
      throw new LlmlabError('USAGE', `cannot write \`${path}\`: unknown report format \`${extname(path) || '(none)'}\``, {
        hint: `use one of: ${Object.keys(WRITERS).join(', ')}`,
      });
    }
  }
  const gateway = await loadGatewayConfig(flags.config ?? GATEWAY_FILE, { cwd: io.cwd, env: io.env, ...(flags.db !== undefined ? { db: flags.db } : {}) });
  const names = Object.keys(gateway.experiments);
  const experiment = gateway.experiments[String(name)];
  if (!experiment) {
    throw new LlmlabError('USAGE', `no experiment \`${name}\` in ${flags.config ?? GATEWAY_FILE}`, {
      hint: names.length === 0 ? 'the config declares no `experiments:`' : suggestionHint(String(name), names, 'experiments'),
    });
  }
  const { source } = experimentOutcome(experiment);
  const data = await readArms(gateway.db, experiment.name, source);
  const report = experimentReport(definitionOf(experiment), data, flags.now ?? Date.now());
  const generator = `llmlab ${version}`;
  if (flags.json) io.stdout.write(experimentJson(report, generator));
  else io.stdout.write(`${formatExperimentReport(report).join('\n')}\n`);
  for (const given of outputs) {
    try {
      await WRITERS[extname(given).toLowerCase()]!(resolve(io.cwd, given), report, generator);
    } catch (error) {
      throw fileFault(error, given) ?? error;
    }
    io.stderr.write(`wrote ${given}\n`);
  }
  return 0;
}

/** The report's view of an experiment: plain data, so the report tier needs no gateway type. */
export function definitionOf(experiment: Experiment): ExperimentDefinition {
  const arms = experiment.arms.map((a) => a.name);
  return {
    name: experiment.name,
    arms,
    control: arms[0] as string,
    ...(experiment.split.kind === 'fixed' ? { shares: experiment.split.shares } : {}),
    bandit: experiment.split.kind === 'bandit',
    alpha: experiment.alpha,
    metric: experimentOutcome(experiment).kind,
  };
}

/** Per-arm units from the gateway's database; none when no gateway has written one yet (it is not created here). */
async function readArms(db: string, experiment: string, source: 'feedback' | 'judge'): Promise<ArmUnits[]> {
  if (!existsSync(db)) return [];
  const store = openStore(db);
  try {
    const gateway = createGatewayStore(store);
    try {
      return await gateway.outcomes.byArm(experiment, { source });
    } finally {
      await gateway.close();
    }
  } finally {
    store.close();
  }
}
