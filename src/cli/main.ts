/**
 * Command wiring (cac). Each command lives in its own file and is imported only when invoked. Every error a
 * user can cause is an LlmlabError: printed as `file:line:col: message` + hint, exit 2, never a stack trace.
 */
import { cac } from 'cac';
import { LlmlabError, exitCodeFor } from '../errors.js';
import { storageFault } from '../store/faults.js';
import { processIo, type CliIo } from './io.js';
import { finishRun } from './run-finish.js';
import { joinNegativeValues } from './negative-values.js';
import { tidyHelp, unknownOptionAsTyped, unknownOptionHint } from './usage-text.js';
import { addSubsetOptions } from './subset-flags.js';
import { version } from './version.js';

export type { CliIo, CliStream } from './io.js';

/**
 * Runs the CLI on `argv` (without node and script) against `io` and returns the exit code. Commands write only to
 * `io`'s streams and read its env and cwd; signal handlers (eval, watch) go on the real process while they run.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cli = cac('llmlab');
  let pending: Promise<number> | undefined;
  // Every command gets the io after cac's arguments: `(…positionals, flags, io)`.
  const run = (load: () => Promise<(...a: any[]) => Promise<number>>) => (...a: any[]) => {
    pending = load().then((command) => command(...a, io));
  };

  addSubsetOptions(cli
    .command('eval [...suites]', 'Run suites (default: the suites globs in llmlab.config.yaml)')
    .option('-j, --concurrency <n>', 'Model calls in flight in total (default 8, or llmlab.config.yaml)')
    .option('-o, --output <file>', 'Write a report (.json, .md, .html, .xml JUnit, .csv, .jsonl; by extension); repeatable')
    .option('--output-stream <file>', 'Append each cell to a JSON Lines file as soon as it finishes')
    .option('--repeat <n>', 'Run every cell n times (overrides the suite)')
    .option('--resume [runId]', 'Continue the latest unfinished run of the suite, or the run given')
    .option('--no-cache', 'Do not use the response cache: call every model again (fresh answers are still cached)')
    .option('--no-tui', 'Plain log output instead of the live view (the default when not on a TTY or with CI=true)')
    .option('--wide', 'Keep every column of the summary table (on a narrow terminal, $/pass, p95 and tokens are dropped to fit)')
    .option('--watch', 'Re-run on every save of the suite or a file it reads; unchanged cells come from the cache')
    .option('--db <path>', 'Database file (default .llmlab/llmlab.db beside llmlab.config.yaml)')
    .option('--baseline <ref>', 'Compare with a run (id, latest~N), a JSON report file or git:REF; gates.maxRegression checks it')
    .option('--budget-usd <usd>', 'Hard spending limit for the run in USD (overrides budget.maxUsd); with --resume, counts what the run spent before')
    .option('--estimate', 'Estimate tokens and cost before calling, as `llmlab plan` does, and show it beside what happened (always on with a budget)')
    .option('--allow-code-execution', 'Let suites run model-written code (HumanEval), sandboxed')
    .option('--unsafe-code-execution', 'Like --allow-code-execution, but where the bubblewrap sandbox cannot run, run the code with weak isolation (warns)')
    .option('--shard <k/n>', 'Run shard k of n: a fixed nth of the cells, chosen by cell-id hash, in its own database (default .llmlab/llmlab.shard-k-of-n.db); combine with `llmlab merge`')
    .option('--verbose', 'List every failing cell after the summary (default: the first 10)'), 'Run')
    .example('llmlab eval suites/quickstart.yaml -o reports/quickstart.json')
    .example('llmlab eval suites/quickstart.yaml --baseline git:main')
    .action(run(async () => (await import('./eval.js')).evalCommand));

  addSubsetOptions(cli
    .command('redteam [...suites]', 'Run only the suites\' security attacks (`target` + `attacks`) against the target; same flags as eval')
    .option('--list', 'List the attack families, their strategies and the converters')
    .option('-j, --concurrency <n>', 'Model calls in flight in total (default 8, or llmlab.config.yaml)')
    .option('-o, --output <file>', 'Write a report (.json, .md, .html, .xml JUnit, .csv, .jsonl; by extension); repeatable')
    .option('--repeat <n>', 'Send every attack n times (sampling targets: more n, tighter intervals)')
    .option('--resume [runId]', 'Continue the latest unfinished run of the suite, or the run given')
    .option('--no-cache', 'Do not use the response cache: call every model again (fresh answers are still cached)')
    .option('--no-tui', 'Plain log output instead of the live view (the default when not on a TTY or with CI=true)')
    .option('--wide', 'Keep every column of the summary table (on a narrow terminal, $/pass, p95 and tokens are dropped to fit)')
    .option('--db <path>', 'Database file (default .llmlab/llmlab.db beside llmlab.config.yaml)')
    .option('--budget-usd <usd>', 'Hard spending limit for the run in USD (attacker and judge calls included)'), 'Run')
    .option('--baseline <ref>', 'Compare attack success with a run (id, latest~N), a JSON report file or git:REF (in the console and .md)')
    .example('llmlab redteam suites/examples/security.yaml -o reports/security.html')
    .example('llmlab redteam --list')
    .action(run(async () => (await import('./redteam.js')).redteamCommand));

  addSubsetOptions(cli
    .command('plan [...suites]', 'Show the plan: cells, cached, estimated tokens and cost; calls nothing')
    .option('--repeat <n>', 'Plan every cell n times (overrides the suite)')
    .option('--budget-usd <usd>', 'Check the worst case against this budget (overrides budget.maxUsd)')
    .option('--db <path>', 'Database file')
    .option('--shard <k/n>', 'Plan only shard k of n (the cells `llmlab eval --shard k/n` runs)'), 'Plan')
    .example('llmlab plan suites/quickstart.yaml')
    .action(run(async () => (await import('./plan.js')).planCommand));

  cli
    .command('runs', 'List stored runs, newest first')
    .option('-n, --limit <n>', 'How many', { default: 20 })
    .option('--db <path>', 'Database file')
    .action(run(async () => (await import('./runs.js')).runsCommand));

  cli
    .command('report <run>', 'Re-render a stored run (`latest` or a run id): summary, failures and gates; exits 1 when a gate failed, as eval did')
    .option('-o, --output <file>', 'Write a report (.json, .md, .html, .xml JUnit, .csv, .jsonl; by extension); repeatable. Without it, print the summary')
    .option('--baseline <ref>', 'Compare with a run (id, latest~N), a JSON report file or git:REF (deltas in .md, gates)')
    .option('--db <path>', 'Database file')
    .option('--verbose', 'List every failing cell (default: the first 10)')
    .option('--wide', 'Keep every column of the summary table (on a narrow terminal, $/pass, p95 and tokens are dropped to fit)')
    .option('--gate', 'Kept for old scripts: the gate lines and exit 1 on a failed gate are now the default, as in `llmlab eval`')
    .example('llmlab report latest -o reports/latest.json')
    .example('llmlab report latest -o reports/pr.md --baseline latest~1')
    .action(run(async () => (await import('./report.js')).reportCommand));

  cli
    .command('show <run> [...test]', 'One test of a run, every prompt × provider side by side: prompt, output, assertions; without a test, list the tests')
    .usage('show <run> [test id or description]')
    .option('--baseline <ref>', 'Also show the output of a run (id, latest~N) or git:REF for the same test, and a word diff')
    .option('--all', 'List every test, not only the first 50')
    .option('--db <path>', 'Database file')
    .example('llmlab show latest')
    .example('llmlab show latest "password reset" --baseline latest~1')
    .action(run(async () => (await import('./show.js')).showCommand));

  cli
    .command('merge [...dbs]', 'Merge shards (`llmlab eval --shard k/n`) into one run: its cells, and the response caches')
    .option('-o, --output <db>', 'Database to write the merged run to (new, or an existing one: the run is added or updated)')
    .option('--suite <path>', 'Only shards of this suite, when the files hold shards of several')
    .example('llmlab merge shards/*.db -o merged.db && llmlab report latest --db merged.db --gate -o report.json')
    .action(run(async () => (await import('./merge.js')).mergeCommand));

  cli
    .command('compare <runA> <runB>', 'Compare run B against run A over the tests both ran (`latest`, `latest~1`, run ids or JSON report files)')
    .option('-o, --output <file>', 'Also write the comparison as JSON (.json)')
    .option('--json', 'Print the comparison as JSON instead of text')
    .option('--db <path>', 'Database file')
    .example('llmlab compare latest~1 latest')
    .example('llmlab compare reports/main.json latest')
    .action(run(async () => (await import('./compare.js')).compareCommand));

  cli
    .command('ci <step> [...suites]', 'GitHub Action steps: `base` (run or reuse the base commit), `head` (run with --baseline, write pr.md), `comment` (sticky PR comment)')
    .option('--base-ref <ref>', 'base: the branch the pull request merges into (github.base_ref)')
    .option('--base-sha <sha>', 'base/head: the base commit, once known (ci base prints it)')
    .option('--out-dir <dir>', 'head: folder for the reports and pr.md', { default: 'reports/llmlab' })
    .option('--artifact <name>', 'head: artifact name the comment points to (default: from the job and its matrix)')
    .option('--on-missing-keys <mode>', 'head: skip or fail when a fork\'s pull request lacks the API keys the suites need', { default: 'skip' })
    .option('--body-file <file>', 'comment: the Markdown to post (pr.md)')
    .option('--pr <number>', 'comment: pull request number (default: from GITHUB_EVENT_PATH)')
    .option('--repo <owner/name>', 'comment: repository (default: GITHUB_REPOSITORY)')
    .option('--db <path>', 'Database file shared by the base and head runs')
    .example('llmlab ci base --base-ref main && llmlab ci head --base-sha $(git rev-parse origin/main)')
    .action(run(async () => (await import('./ci-command.js')).ciCommand));

  cli
    .command('cost', 'Spend across stored runs by suite, provider or day (cached answers cost nothing new)')
    .option('--since <when>', 'Only runs since then: 7d, 24h, 30m or a date (2026-11-01)')
    .option('--by <grouping>', 'suite, provider or day', { default: 'suite' })
    .option('--json', 'Print the rows as JSON')
    .option('--db <path>', 'Database file')
    .example('llmlab cost --since 7d --by provider')
    .action(run(async () => (await import('./cost.js')).costCommand));

  cli
    .command('benchmarks', 'List the benchmark adapters (`dataset: { type }`), the data each reads and where it is published')
    .action(run(async () => (await import('./benchmarks.js')).benchmarksCommand));

  cli
    .command('cache <action>', 'Response cache: `stats` or `clear`')
    .option('--provider <id>', 'With clear: only this provider id')
    .option('--db <path>', 'Database file')
    .example('llmlab cache stats')
    .action(run(async () => (await import('./cache.js')).cacheCommand));

  cli
    .command('finetune <action> [id]', 'Fine-tune jobs: `list`, or `cancel <job id | recipe id>` (a job keeps running when llmlab stops)')
    .option('--suite <file>', 'With cancel: the suite that declares the recipe (its base provider\'s key and base URL)')
    .option('--db <path>', 'Database file')
    .example('llmlab finetune cancel ftjob-abc123')
    .action(run(async () => (await import('./finetune.js')).finetuneCommand));

  cli
    .command('gateway [action] [...args]', 'An OpenAI-compatible gateway that routes on your eval results: serve (default), `keys create|list|revoke <id>`, `stats`')
    .option('-c, --config <file>', 'Gateway config (default gateway.yaml)')
    .option('--port <n>', 'Port to listen on (default 8787)')
    .option('--host <host>', 'Interface to bind (default 127.0.0.1; any other needs `keys:` in the config)')
    .option('--since <age>', 'With stats: only requests this recent (e.g. 24h, 7d; default 24h)')
    .option('--json', 'With stats and keys list: print JSON')
    .option('--db <path>', 'Database file')
    .example('llmlab gateway --config gateway.yaml')
    .example('llmlab gateway keys create team-a')
    .example('llmlab gateway stats --since 7d')
    .action(run(async () => (await import('./gateway.js')).gatewayCommand));

  cli
    .command('view', 'A local web app over your runs: runs, one run, compare two, history with change points, and a prompt studio')
    .option('--port <n>', 'Port to listen on (default 15500; 0 picks a free one)')
    .option('--host <host>', 'Interface to bind (default 127.0.0.1; any other requires an access token)')
    .option('--token <token>', 'Access token required on every request (generated and printed when --host is not loopback)')
    .option('--open', 'Open it in the browser ($BROWSER, else the system opener)')
    .option('--db <path>', 'Database file')
    .example('llmlab view --open')
    .example('llmlab view --host 0.0.0.0 --port 8080')
    .action(run(async () => (await import('./view.js')).viewCommand));

  cli
    .command('experiment <action> <name>', 'A/B experiments of the gateway: `report <name>` (per arm n, mean with interval, anytime-valid comparison, SRM check)')
    .option('-c, --config <file>', 'Gateway config that declares the experiment (default gateway.yaml)')
    .option('-o, --output <file>', 'Write the report (.md, .html, .json; by extension); repeatable')
    .option('--json', 'Print the report as JSON')
    .option('--db <path>', 'Database file')
    .example('llmlab experiment report tone-test -o reports/tone-test.html')
    .action(run(async () => (await import('./experiment.js')).experimentCommand));

  cli
    .command('init [dir]', 'Start a project: llmlab.config.yaml, an offline first suite, .env.example and the CI workflow')
    .option('--force', 'Overwrite those files when they exist')
    .example('llmlab init && llmlab eval')
    .action(run(async () => (await import('./init.js')).init));

  cli
    .command('import <dialect> [config]', 'Translate another tool\'s config into an llmlab suite (`promptfoo`): writes the suite, lists what did not translate')
    .option('-o, --output <file>', 'Write the suite here (default: stdout)')
    .option('--force', 'Overwrite the output file when it exists')
    .example('llmlab import promptfoo promptfooconfig.yaml -o suites/support.yaml')
    .action(run(async () => (await import('./import.js')).importCommand));

  cli.help(tidyHelp);
  cli.version(version);

  try {
    // cac prints help and version through console.info; in-process runs must capture them like any other output.
    toStdout(io, () => cli.parse(['node', 'llmlab', ...joinNegativeValues(argv)], { run: false }));
    // cac printed the help (`llmlab ci head --help` too, whose `head` it leaves in args): nothing else to do.
    if (cli.options.help) return 0;
    if (!cli.matchedCommand && cli.args.length > 0) {
      throw new LlmlabError('USAGE', `unknown command \`${cli.args[0]}\``, {
        hint: 'run `llmlab --help` for the list of commands',
      });
    }
    if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
      toStdout(io, () => cli.outputHelp());
      return 0;
    }
    await cli.runMatchedCommand();
    return pending ? await pending : 0;
  } catch (error) {
    return reportError(error, io, argv, cli.matchedCommand);
  } finally {
    finishRun(io);
  }
}

/** Runs `print` (synchronous) with console.info sent to io.stdout, then puts console.info back. */
function toStdout(io: CliIo, print: () => void): void {
  const info = console.info;
  console.info = (...parts: unknown[]) => io.stdout.write(`${parts.map(String).join(' ')}\n`);
  try {
    print();
  } finally {
    console.info = info;
  }
}

function reportError(error: unknown, io: CliIo, argv: string[], command?: Parameters<typeof unknownOptionHint>[1]): number {
  // A SQLite fault no command caught with its database path (disk full, locked, corrupt) is still the machine's, not a bug.
  const fault = storageFault(error);
  if (fault) error = fault;
  if (error instanceof LlmlabError) {
    io.stderr.write(`llmlab: ${error.format(io.cwd)}\n`);
    return exitCodeFor(error);
  }
  // cac's own usage errors (unknown option, missing argument) are user mistakes too.
  if (error instanceof Error && error.name === 'CACError') {
    const message = unknownOptionAsTyped(error.message, argv);
    io.stderr.write(`llmlab: ${message}\n  hint: ${unknownOptionHint(message, command)}\n`);
    return 2;
  }
  io.stderr.write(`llmlab: internal error (please report it):\n${error instanceof Error ? error.stack : String(error)}\n`);
  return 1;
}
