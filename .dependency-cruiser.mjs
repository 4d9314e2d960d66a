// The layer order of src/ (DESIGN.md §3), written once: every forbidden rule below is generated from TIERS and
// PLUGIN_LEAVES. test/architecture/dependencies.test.ts runs it (and `npm run deps` for a person); both load
// dependency-cruiser after tools/typescript-6/preload.mjs, which explains why.

/**
 * Top to bottom. A module (a folder under src/, or a file directly in src/) may import its own folder and any
 * module in a LOWER tier; never a sibling in its own tier, never a higher tier. Skipping tiers is fine (cli may
 * read the store directly). Names that do not exist yet (gateway, view, …) hold their place.
 */
const TIERS = [
  ['cli', 'index.ts'], // entry points: the command line and the public API
  ['gateway', 'view'], // HTTP apps
  ['ui'], // Ink and plain reporters; they consume RunEvents
  ['engine', 'report'], // running a plan; reading a finished run back out of the store
  // finetune trains what config resolved (recipes, the base provider) and yields providers for the engine's cells.
  ['finetune'],
  ['config'], // config checks names against the plugin registries
  ['providers', 'datasets', 'metrics', 'attacks', 'dialects'], // plugins (see PLUGIN_LEAVES) and dialects
  // git.ts runs git for the run's commit, `--baseline git:REF` and `llmlab ci` (engine, report and cli).
  ['store', 'media', 'server', 'git.ts'], // SQLite, the media store, what the HTTP apps share, git
  ['stats', 'detectors', 'schemas', 'text'], // pure libraries
  // The base, which every layer may import; its files import only each other (the cycle check keeps them
  // honest). schema-types/ holds the file formats' types derived from schemas/*.json; suite-settings.ts the
  // budget and gates a run is held to, built on them.
  ['types.ts', 'types', 'errors.ts', 'schema-types', 'suite-settings.ts', 'load-module.ts', 'yaml-aliases.ts'],
];

/**
 * Inside report/, the same kind of order (docs/architecture.md): the numbers first, then comparing two runs, then
 * the gates (pure rules over both), then the summary that joins model and verdict, then what prints or writes it.
 */
const REPORT_TIERS = [
  ['report/console', 'report/writers', 'report/stored-summary.ts'], // terminal text; one file per report format; the summary kept in the store
  ['report/summary.ts'], // summarizeRun: the model plus the gate verdict
  ['report/gates'], // pure rules: no git, no I/O
  ['report/compare'], // pairing two runs, paired tests, resolving a baseline
  ['report/model'], // the numbers of one run
  ['report/shared.ts'], // constants and tiny helpers every part shares
];

/** Plugins are held tighter than their tier: they import their own folder and these leaves, nothing else. */
const PLUGINS = ['providers', 'datasets', 'metrics', 'attacks'];
const PLUGIN_LEAVES = [
  'types.ts',
  'types', // the parts of types.ts
  'errors.ts',
  'stats',
  'detectors',
  // What DESIGN.md's list (types.ts, errors.ts, stats/, detectors/) leaves implicit, all leaves themselves:
  'schema-types', // the file formats' types (a price table, an assertion as written); they import nothing
  'load-module.ts', // loads a user's js/ts module (file: provider, javascript metric, custom attack)
  'yaml-aliases.ts', // the bound on YAML aliases, for YAML datasets as for suites
  'text', // pure text functions (edit distance), which the config layer uses too
];

/** Regex, from the repo root, for everything in one module: a folder or a single file in src/. */
function pathOf(name) {
  const escaped = name.replace(/[.]/g, '\\.');
  return name.endsWith('.ts') ? `^src/${escaped}$` : `^src/${escaped}/`;
}

function anyOf(names) {
  return `(${names.map(pathOf).join('|')})`;
}

const BASE = TIERS[TIERS.length - 1];

/** The rule of one module: what it must not import (none for a module alone in the top tier). */
function rulesOf(name, tierIndex, tiers = TIERS) {
  if (PLUGINS.includes(name)) {
    return [
      {
        name: `plugin:${name}`,
        comment: `${name} is a plugin folder: it imports only ${PLUGIN_LEAVES.join(', ')}`,
        severity: 'error',
        from: { path: pathOf(name) },
        to: { path: '^src/', pathNot: anyOf([name, ...PLUGIN_LEAVES]) },
      },
    ];
  }
  const sameOrHigher = tiers.slice(0, tierIndex + 1)
    .flat()
    .filter((other) => other !== name && !(BASE.includes(name) && BASE.includes(other)));
  if (sameOrHigher.length === 0) return [];
  return [
    {
      name: `layer:${name}`,
      comment: `${name} must not import its own tier or a higher one (${sameOrHigher.join(', ')})`,
      severity: 'error',
      from: { path: pathOf(name) },
      to: { path: anyOf(sameOrHigher) },
    },
  ];
}

const PLACED = anyOf(TIERS.flat());
const REPORT_PLACED = anyOf(REPORT_TIERS.flat());

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'src/ has no import cycles, type-only imports included',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    // A module in no tier would escape the layer rules: it must be named in TIERS first.
    {
      name: 'unplaced',
      comment: 'every module in src/ belongs to a tier of .dependency-cruiser.mjs',
      severity: 'error',
      from: { path: '^src/', pathNot: PLACED },
      to: {},
    },
    {
      name: 'unplaced',
      comment: 'every module in src/ belongs to a tier of .dependency-cruiser.mjs',
      severity: 'error',
      from: {},
      to: { path: '^src/', pathNot: PLACED },
    },
    ...TIERS.flatMap((tier, index) => tier.flatMap((name) => rulesOf(name, index))),
    {
      name: 'unplaced',
      comment: 'every module in src/report/ belongs to a tier of REPORT_TIERS',
      severity: 'error',
      from: { path: '^src/report/', pathNot: REPORT_PLACED },
      to: {},
    },
    ...REPORT_TIERS.flatMap((tier, index) => tier.flatMap((name) => rulesOf(name, index, REPORT_TIERS))),
  ],
  options: {
    includeOnly: '^src/',
    // Counts `import type` as an edge: a type-only import still couples two layers, and still closes a cycle.
    tsPreCompilationDeps: true,
  },
};
