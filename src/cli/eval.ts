/** `llmlab eval`: load → plan → run → summary, reports and the gate's exit code. */
import { relative } from 'node:path';
import { loadSuite } from '../config/load-suite.js';
import { LlmlabError } from '../errors.js';
import { createEventBus } from '../engine/events.js';
import { runSuite } from '../engine/run.js';
import { formatSummaryTable } from '../report/table.js';
import { summarizeRun } from '../report/summary.js';
import { createPlainReporter } from '../ui/plain.js';
import { checkOutputs, writeOutputs } from './outputs.js';
import { createContext, list, positiveInt, suitePaths } from './context.js';
import { version } from './version.js';

interface EvalFlags {
  concurrency?: string;
  output?: string | string[];
  repeat?: string;
  resume?: boolean | string;
  cache: boolean;
  tui: boolean;
  db?: string;
}

export async function evalCommand(args: string[], flags: EvalFlags): Promise<number> {
  const outputs = list(flags.output);
  checkOutputs(outputs);
  const ctx = await createContext(flags);
  const concurrency = positiveInt(flags.concurrency, '--concurrency') ?? ctx.project.concurrency;
  const repeat = positiveInt(flags.repeat, '--repeat');
  const paths = await suitePaths(args, ctx.project);
  if (flags.resume !== undefined && flags.resume !== false && paths.length > 1) {
    throw new LlmlabError('USAGE', '--resume takes exactly one suite', { hint: 'name the suite to resume' });
  }
  // Load every suite first: a typo in the third suite should not surface after the first two spent money.
  const suites = [];
  for (const path of paths) suites.push(await loadSuite(path, ctx.project));

  const stop = new AbortController();
  const abort = new AbortController();
  const onSigint = () => {
    if (!stop.signal.aborted) {
      process.stderr.write('\nstopping: finishing calls in flight and saving (Ctrl-C again to cancel them)\n');
      stop.abort();
    } else abort.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  let exitCode = 0;
  try {
    for (const suite of suites) {
      const events = createEventBus();
      events.on(createPlainReporter());
      const store = ctx.store();
      const outcome = await runSuite({
        suite,
        project: ctx.project,
        store,
        env: ctx.env,
        events,
        concurrency,
        repeat,
        cache: flags.cache,
        resume: flags.resume === true || flags.resume === '' ? true : flags.resume || undefined,
        stop: stop.signal,
        abort: abort.signal,
        llmlabVersion: version,
      });
      const run = store.runs.get(outcome.run.id)!;
      const summary = summarizeRun(store, run);
      process.stdout.write(`\n${suite.description ?? relative(process.cwd(), suite.path)}\n`);
      process.stdout.write(`${formatSummaryTable(summary)}\n`);
      writeOutputs(outputs, store, run, summary);
      if (outcome.status === 'interrupted') {
        const rel = relative(process.cwd(), suite.path);
        process.stderr.write(`interrupted: resume with \`llmlab eval ${rel} --resume ${run.id}\`\n`);
        return 130;
      }
      if (!summary.gate.passed) {
        for (const reason of summary.gate.reasons) process.stdout.write(`gate failed: ${reason}\n`);
        exitCode = 1;
      } else {
        process.stdout.write(`gate passed${summary.gate.minPassRate !== undefined ? ` (minPassRate ${summary.gate.minPassRate})` : ''}\n`);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  return exitCode;
}
