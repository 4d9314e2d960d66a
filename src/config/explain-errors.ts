/**
 * Turns Ajv's error list into one clear sentence per problem. Ajv reports every failed keyword of every branch
 * of a union; users need the one branch they meant ("a prompt object with `template`") and the one thing wrong
 * with it, at the node where it is wrong.
 */
import type { ErrorObject } from 'ajv';
import { didYouMean, listNames, suggestionHint } from './did-you-mean.js';
import { describeSchema, formatPath, isObject, showValue } from './describe-schema.js';
import type { SchemaRegistry } from './schema-registry.js';
import type { PathSegment } from './yaml-source.js';

/** One problem found in a value, at a path from the root of its file (the prefix included). */
export interface Problem {
  path: PathSegment[];
  message: string;
  hint?: string;
  /** Point at the key of `path` rather than at its value (unknown keys). */
  atKey?: boolean;
}

export interface ExplainOptions {
  /** Where the validated value sits in its file, e.g. `['tests', 0, 'assert', 1, 'value']`. */
  prefix?: PathSegment[];
  /** How to name the value itself when the problem is at the root, e.g. "the suite file". */
  subject?: string;
  /** Where an unknown key at the root is, e.g. "at the top level" or "in the row". */
  rootPlace?: string;
  /** Appended to every message, e.g. " (provider `openai:gpt-4o`)". */
  suffix?: string;
}

const VALUE_KEYWORDS = new Set([
  'type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength',
  'pattern', 'format', 'enum', 'const', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
]);

/** Validates `data` against the schema at `ref` in `registry`; [] when it is valid. */
export function validateValue(
  registry: SchemaRegistry,
  ref: string,
  data: unknown,
  options: ExplainOptions = {},
): Problem[] {
  const validate = registry.validator(ref);
  if (validate(data)) return [];
  const out: Problem[] = [];
  new Explainer(registry, options, out).collapse(validate.errors ?? [], data, [...(options.prefix ?? [])]);
  const seen = new Set<string>();
  return out.filter((problem) => {
    const key = `${formatPath(problem.path)}\u0000${problem.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

interface Located {
  error: ErrorObject;
  path: PathSegment[];
}

class Explainer {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly options: ExplainOptions,
    private readonly out: Problem[],
  ) {}

  /**
   * `errors` are relative to `data`, which sits at `base`. `inheritedHint` is the description of the union a
   * branch was picked from: branches rarely carry their own, and the union's still explains the value.
   */
  collapse(errors: ErrorObject[], data: unknown, base: PathSegment[], inheritedHint?: string): void {
    const located = errors.map((error) => ({ error, path: toPath(error.instancePath, data) }));
    const unions = located
      .filter(({ error }) => error.keyword === 'oneOf' || error.keyword === 'anyOf')
      .sort((a, b) => a.path.length - b.path.length);
    const unionRoots: string[] = [];
    for (const union of unions) {
      if (unionRoots.some((root) => within(union.error.instancePath, root))) continue;
      unionRoots.push(union.error.instancePath);
      this.union(union, [...base, ...union.path]);
    }
    const rest = located.filter(({ error }) => !unionRoots.some((root) => within(error.instancePath, root)));
    const valueErrors = new Map<string, Located>();
    for (const item of rest) {
      const full = [...base, ...item.path];
      const { keyword } = item.error;
      if (keyword === 'additionalProperties') this.unknownKey(item.error, full);
      else if (keyword === 'required') this.required(item.error, full);
      else if (VALUE_KEYWORDS.has(keyword)) {
        if (!valueErrors.has(item.error.instancePath)) valueErrors.set(item.error.instancePath, { ...item, path: full });
      } else this.add(full, `${this.subject(full)} ${item.error.message ?? 'is invalid'}`);
    }
    for (const { error, path } of valueErrors.values()) {
      this.wrongValue(error.parentSchema, error.data, path, path.length === base.length ? inheritedHint : undefined);
    }
  }

  private union({ error }: Located, path: PathSegment[]): void {
    const schema = error.parentSchema as Record<string, unknown>;
    const branches = (schema.oneOf ?? schema.anyOf) as unknown[];
    const value = error.data;
    if (error.keyword === 'oneOf' && Array.isArray((error.params as { passingSchemas?: unknown }).passingSchemas)) {
      this.add(path, `${this.subject(path)} matches more than one form of ${describeSchema(schema, this.resolve)}`);
      return;
    }
    const branch = this.pickBranch(branches, value);
    if (branch !== undefined) {
      const ref = this.registry.refOf(branches[branch]);
      const validate = ref === undefined ? undefined : this.registry.validator(ref);
      const described = this.resolve(schema);
      const hint = isObject(described) && typeof described.description === 'string' ? described.description : undefined;
      if (validate && !validate(value)) return this.collapse(validate.errors ?? [], value, path, hint);
    }
    const keyed = branches.map((b) => this.requiredKeys(b)).filter((keys) => keys.length === 1).flat();
    if (isObject(value) && keyed.length > 1) {
      const allowed = branches.flatMap((b) => Object.keys(this.properties(b)));
      const typo = Object.keys(value)
        .map((key) => [key, didYouMean(key, keyed)] as const)
        .find(([key, guess]) => guess !== undefined && !allowed.includes(key));
      const hint = typo
        ? `did you mean \`${typo[1]}\` instead of \`${typo[0]}\`?`
        : `write it as ${describeSchema(schema, this.resolve)}`;
      this.add(path, `${this.subject(path)} needs one of ${listNames(keyed)}`, hint);
      return;
    }
    this.wrongValue(schema, value, path);
  }

  /** The branch the author evidently meant: the only one of the value's type, or the object whose key is there. */
  private pickBranch(branches: unknown[], value: unknown): number | undefined {
    const kind = kindOf(value);
    const fitting = branches.map((_, i) => i).filter((i) => this.accepts(branches[i], kind));
    if (fitting.length === 1) return fitting[0];
    if (!isObject(value)) return undefined;
    return fitting.find((i) => {
      const keys = this.requiredKeys(branches[i]);
      return keys.length > 0 && keys.every((key) => key in value);
    });
  }

  private accepts(schema: unknown, kind: string): boolean {
    const s = this.resolve(schema);
    if (!isObject(s)) return s !== false;
    const union = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
    if (s.type === undefined) return Array.isArray(union) ? union.some((b) => this.accepts(b, kind)) : true;
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    return types.includes(kind) || (kind === 'integer' && types.includes('number'));
  }

  private unknownKey(error: ErrorObject, path: PathSegment[]): void {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    const allowed = Object.keys(this.properties(error.parentSchema));
    const place = path.length === 0 ? (this.options.rootPlace ?? 'at the top level') : `in ${formatPath(path)}`;
    const hint = allowed.length > 0 ? suggestionHint(key, allowed, 'allowed keys') : 'no keys are allowed here';
    this.out.push({ path: [...path, key], message: `unknown key \`${key}\` ${place}${this.suffix()}`, hint, atKey: true });
  }

  private required(error: ErrorObject, path: PathSegment[]): void {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    const described = this.resolve(this.properties(error.parentSchema)[missing]);
    const hint = isObject(described) && typeof described.description === 'string' ? described.description : undefined;
    this.add(path, `${formatPath([...path, missing])} is required`, hint);
  }

  private wrongValue(schema: unknown, value: unknown, path: PathSegment[], inheritedHint?: string): void {
    const s = this.resolve(schema);
    const expected = describeSchema(s, this.resolve);
    let hint = isObject(s) && typeof s.description === 'string' ? s.description : inheritedHint;
    if (isObject(s) && Array.isArray(s.enum) && typeof value === 'string') {
      hint = suggestionHint(value, s.enum.map(String), 'allowed values');
    } else if (isObject(s) && s.type === 'array' && !Array.isArray(value)) {
      hint = 'write a list: one `- item` per line, or `[a, b]` on one line';
    }
    this.add(path, `${this.subject(path)} must be ${expected}, got ${showValue(value)}`, hint);
  }

  private add(path: PathSegment[], message: string, hint?: string): void {
    this.out.push({ path, message: `${message}${this.suffix()}`, ...(hint === undefined ? {} : { hint }) });
  }

  private subject(path: PathSegment[]): string {
    return path.length === 0 ? (this.options.subject ?? 'the value') : `\`${formatPath(path)}\``;
  }

  private suffix(): string {
    return this.options.suffix ?? '';
  }

  private requiredKeys(schema: unknown): string[] {
    const s = this.resolve(schema);
    return isObject(s) && Array.isArray(s.required) ? (s.required as string[]) : [];
  }

  private properties(schema: unknown): Record<string, unknown> {
    const s = this.resolve(schema);
    return isObject(s) && isObject(s.properties) ? s.properties : {};
  }

  private readonly resolve = (schema: unknown): unknown => this.registry.resolve(schema);
}

function within(pointer: string, root: string): boolean {
  return pointer === root || pointer.startsWith(`${root}/`);
}

/** An Ajv instancePath as path segments; indices into arrays become numbers. */
function toPath(pointer: string, data: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let current = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      path.push(Number(segment));
      current = current[Number(segment)];
    } else {
      path.push(segment);
      current = isObject(current) ? current[segment] : undefined;
    }
  }
  return path;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
