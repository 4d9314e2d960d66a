/**
 * A strict parser of the Prometheus text exposition format 0.0.4, written from the spec
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), so the gateway's `/metrics` is checked against
 * the grammar rather than against its own renderer. It throws, naming the line, on anything a scraper would
 * reject: bad names, bad escapes, a TYPE after samples, a family split in two, a repeated series, and histograms
 * whose buckets are not cumulative or lack `+Inf` = `_count`.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  help?: string;
  type: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const seenSeries = new Set<string>();
  let current: ParsedFamily | undefined;
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') return;
    const family = (name: string): ParsedFamily => {
      let found = families.get(name);
      if (!found) {
        found = { name, type: 'untyped', samples: [] };
        families.set(name, found);
      } else if (found !== current && found.samples.length > 0) fail(`the samples of ${name} are not contiguous`);
      current = found;
      return found;
    };
    const comment = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
    if (comment) {
      const [, keyword, name, rest = ''] = comment;
      if (!METRIC_NAME.test(name!) || METRIC_NAME.exec(name!)![0] !== name) fail('bad metric name');
      const target = family(name!);
      if (keyword === 'HELP') {
        if (target.help !== undefined) fail('a second HELP');
        target.help = unescape(rest, false, fail);
      } else {
        if (target.samples.length > 0) fail('TYPE after samples');
        if (target.type !== 'untyped' || !TYPES.has(rest)) fail('a second or unknown TYPE');
        target.type = rest;
      }
      return;
    }
    if (line.startsWith('#')) return; // any other comment
    const sample = parseSample(line, fail);
    const owner = familyOf(sample.name, families) ?? sample.name;
    const target = family(owner);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seenSeries.has(key)) fail('a repeated series');
    seenSeries.add(key);
    target.samples.push(sample);
  });
  for (const parsed of families.values()) if (parsed.type === 'histogram') checkHistogram(parsed);
  return families;
}

/** `x_bucket`, `x_sum` and `x_count` belong to a declared histogram (or summary) `x`. */
function familyOf(sampleName: string, families: Map<string, ParsedFamily>): string | undefined {
  const match = /^(.*)_(bucket|sum|count)$/.exec(sampleName);
  const base = match && families.get(match[1]!);
  return base && (base.type === 'histogram' || base.type === 'summary') ? base.name : undefined;
}

function parseSample(line: string, fail: (why: string) => never): Sample {
  const name = METRIC_NAME.exec(line)?.[0] ?? fail('bad metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = LABEL_NAME.exec(rest)?.[0] ?? fail('bad label name');
      rest = rest.slice(label.length);
      if (!rest.startsWith('="')) fail('expected ="');
      rest = rest.slice(2);
      let raw = '';
      while (!rest.startsWith('"')) {
        if (rest === '') fail('unterminated label value');
        if (rest[0] === '\\') {
          raw += rest.slice(0, 2);
          rest = rest.slice(2);
        } else {
          raw += rest[0];
          rest = rest.slice(1);
        }
      }
      if (label in labels) fail(`label ${label} twice`);
      labels[label] = unescape(raw, true, fail);
      rest = rest.slice(1);
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) fail('expected , or }');
    }
    rest = rest.slice(1);
  }
  const fields = /^[ \t]+(\S+)(?:[ \t]+(-?\d+))?$/.exec(rest) ?? fail('expected a value (and an optional timestamp)');
  return { name, labels, value: parseValue(fields[1]!, fail) };
}

/** Go's ParseFloat as Prometheus uses it: decimal and exponent forms, NaN, ±Inf. */
function parseValue(text: string, fail: (why: string) => never): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) fail(`bad value ${text}`);
  return Number(text);
}

/** Label values escape `\\`, `\"` and `\n`; HELP text only `\\` and `\n`. Anything else after `\` is an error. */
function unescape(raw: string, quoted: boolean, fail: (why: string) => never): string {
  return raw.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quoted) return '"';
    return fail(`bad escape \\${c}`);
  });
}

function checkHistogram(family: ParsedFamily): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      group.buckets.push([le === '+Inf' ? Infinity : Number(le), sample.value]);
    } else if (sample.name === `${family.name}_sum`) group.sum = sample.value;
    else if (sample.name === `${family.name}_count`) group.count = sample.value;
    else throw new Error(`${family.name}: a sample ${sample.name} in a histogram`);
  }
  for (const [key, group] of groups) {
    const where = `${family.name}${key}`;
    if (group.sum === undefined || group.count === undefined) throw new Error(`${where}: no _sum or _count`);
    const last = group.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${where}: the last bucket is not le="+Inf"`);
    if (last[1] !== group.count) throw new Error(`${where}: the +Inf bucket (${last[1]}) is not _count (${group.count})`);
    for (let i = 1; i < group.buckets.length; i++) {
      const [le, n] = group.buckets[i]!;
      const [prevLe, prevN] = group.buckets[i - 1]!;
      if (!(le > prevLe)) throw new Error(`${where}: le ${le} after ${prevLe}`);
      if (n < prevN) throw new Error(`${where}: buckets not cumulative at le ${le}`);
    }
  }
}
