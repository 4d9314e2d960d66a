/**
 * Price profiles: `providers/<type>.yaml` in the package, one per provider type that has prices (USD per
 * million tokens). Each file is read once, when a run first prices a model of its type.
 *
 * A type without a file has no profile (local models, echo, mock): its calls cost 0 unless `prices:` says
 * otherwise. A file that exists but cannot be read, parsed or understood is an input error naming the file,
 * line and column. Read as "no prices", it would make every call cost $0, and a budget that never sees spend
 * never stops a run.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { LlmlabError, messageOf, type SourceLocation } from '../errors.js';
import type { ModelPrice } from '../schema-types/suite-file.js';

/** One provider type's prices. */
export interface PriceProfile {
  /** The price of a model the profile does not list. */
  default?: ModelPrice;
  models: Record<string, ModelPrice>;
}

/** The profiles of one folder, by provider type. */
export interface PriceProfiles {
  /**
   * The profile of `type`, or undefined when the folder has none for it. Throws LlmlabError CONFIG_YAML or
   * CONFIG_INVALID (exit 2) for a file that is there but broken; a broken file is not remembered, so every
   * lookup reports it.
   */
  profileOf(type: string): PriceProfile | undefined;
}

const HINT =
  'fix or restore the file (it ships with llmlab); prices for your own models go under `prices:` in llmlab.config.yaml';

/** Profiles read from `dir` (`<type>.yaml`), each file at most once. */
export function createPriceProfiles(dir: string): PriceProfiles {
  const profiles = new Map<string, PriceProfile | undefined>();
  return {
    profileOf(type) {
      if (!profiles.has(type)) profiles.set(type, readPriceProfile(join(dir, `${type}.yaml`)));
      return profiles.get(type);
    },
  };
}

/** Reads one profile file: undefined when there is none, LlmlabError when it is broken. */
export function readPriceProfile(file: string): PriceProfile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LlmlabError('CONFIG_INVALID', `cannot read price profile: ${messageOf(error)}`, {
      where: { file },
      hint: HINT,
      cause: error,
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (node: unknown): SourceLocation => {
    const range = (node as Node | null | undefined)?.range;
    return range ? { file, ...lineCounter.linePos(range[0]) } : { file, line: 1, col: 1 };
  };
  const [syntax] = doc.errors;
  if (syntax) {
    const message = syntax.message.replace(/\s+/g, ' ').trim();
    throw new LlmlabError('CONFIG_YAML', `price profile is not valid YAML: ${message}`, {
      where: { file, ...lineCounter.linePos(syntax.pos[0]) },
      hint: HINT,
    });
  }
  return checkProfile(doc, at);
}

/** The profile a parsed file holds, or the LlmlabError naming the first value that is wrong. */
function checkProfile(doc: Document, at: (node: unknown) => SourceLocation): PriceProfile {
  const invalid = (path: readonly string[], message: string): LlmlabError =>
    new LlmlabError('CONFIG_INVALID', `price profile: ${path.length ? `\`${path.join('.')}\` ` : ''}${message}`, {
      where: at(path.length ? doc.getIn(path, true) : doc.contents),
      hint: HINT,
    });
  const root: unknown = doc.toJS();
  if (!isRecord(root)) throw invalid([], `must be a mapping with \`models:\`, got ${kindOf(root)}`);
  const models = root['models'] ?? {};
  if (!isRecord(models)) throw invalid(['models'], `must be a mapping of model names to prices, got ${kindOf(models)}`);
  // fromEntries defines own keys: a model named `__proto__` stays a model, not the table's prototype.
  const checked = Object.entries(models).map(([name, price]): [string, ModelPrice] => [
    name,
    checkPrice(price, ['models', name], invalid),
  ]);
  const profile: PriceProfile = { models: Object.fromEntries(checked) };
  if (root['default'] !== undefined) profile.default = checkPrice(root['default'], ['default'], invalid);
  return profile;
}

const PRICE_KEYS: ReadonlySet<string> = new Set(['input', 'output', 'cachedInput', 'contextWindow', 'training', 'tunedInput', 'tunedOutput']);

function checkPrice(
  value: unknown,
  path: readonly string[],
  invalid: (path: readonly string[], message: string) => LlmlabError,
): ModelPrice {
  if (!isRecord(value)) {
    throw invalid(path, `must be a mapping such as \`{ input: 2.5, output: 10 }\`, got ${kindOf(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!PRICE_KEYS.has(key)) {
      throw invalid([...path, key], 'is not a price key: use input, output, cachedInput, contextWindow, training, tunedInput or tunedOutput');
    }
  }
  for (const key of ['input', 'output', 'cachedInput', 'training', 'tunedInput', 'tunedOutput'] as const) {
    const usd = value[key];
    if (usd === undefined && key !== 'input' && key !== 'output') continue;
    if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) {
      throw invalid([...path, key], `must be a number of USD per million tokens (0 or more), got ${shown(usd)}`);
    }
  }
  const window = value['contextWindow'];
  if (window !== undefined && !(Number.isInteger(window) && (window as number) >= 1)) {
    throw invalid([...path, 'contextWindow'], `must be a whole number of tokens (1 or more), got ${shown(window)}`);
  }
  return value as unknown as ModelPrice;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

function shown(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

// src/providers/ and dist/providers/ both sit two levels below the package root.
const PROFILE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'providers');

/** The profiles shipped with llmlab. */
export const builtInProfiles: PriceProfiles = createPriceProfiles(PROFILE_DIR);
