/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition format
 * 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/). No dependency: the gateway needs a few
 * families, and prom-client's per-call label objects would cost more on the hot path than the rest of this file.
 *
 * Recording is a Map lookup by the label values joined with a separator the callers never use; the label text of
 * a series is built once, when the series first appears, so rendering is concatenation only.
 */

/** The kinds of family this registry renders (`# TYPE`). */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** What declares a family. */
export interface FamilyOptions {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`; counters end in `_total` by convention. */
  name: string;
  /** One line for `# HELP`. */
  help: string;
  /** Label names in the order `series()` receives their values. */
  labels?: readonly string[];
  /**
   * New series beyond this many fold into one whose labels all read `_overflow`: a label fed by a client must not
   * grow memory without bound. Default 10,000.
   */
  maxSeries?: number;
}

/** A counter or gauge series: add to or set `value` directly. */
export interface ValueCell {
  value: number;
}

/** A histogram series. `counts[i]` holds observations in (bounds[i-1], bounds[i]]; the last slot is +Inf. */
export interface HistogramCell {
  counts: Float64Array;
  sum: number;
  count: number;
}

/** Joins label values into a series key: a C0 control, which no configured name (model, candidate, key id) holds. */
export const KEY_SEPARATOR = '\u0001';
const OVERFLOW = '_overflow';

interface Series<C> {
  /** `a="x",b="y"` (empty when the family has no labels), escaped once. */
  labelText: string;
  cell: C;
}

abstract class Family<C> {
  readonly name: string;
  readonly help: string;
  readonly labels: readonly string[];
  protected readonly series = new Map<string, Series<C>>();
  private readonly maxSeries: number;

  constructor(options: FamilyOptions) {
    this.name = options.name;
    this.help = options.help;
    this.labels = options.labels ?? [];
    this.maxSeries = options.maxSeries ?? 10_000;
  }

  abstract readonly type: MetricType;
  protected abstract newCell(): C;
  protected abstract renderSeries(out: string[], series: Series<C>): void;

  /** The series for these label values (in `labels` order), created at zero on first use. Hold it to record. */
  cell(values: readonly string[]): C {
    const key = values.join(KEY_SEPARATOR);
    const found = this.series.get(key);
    if (found) return found.cell;
    if (this.series.size < this.maxSeries) return this.create(key, values);
    const overflow = this.labels.map(() => OVERFLOW);
    const overflowKey = overflow.join(KEY_SEPARATOR);
    return this.series.get(overflowKey)?.cell ?? this.create(overflowKey, overflow);
  }

  private create(key: string, values: readonly string[]): C {
    const labelText = this.labels.map((label, i) => `${label}="${escapeLabelValue(values[i] ?? '')}"`).join(',');
    const created = { labelText, cell: this.newCell() };
    this.series.set(key, created);
    return created.cell;
  }

  render(out: string[]): void {
    // An unlabelled family shows its one series at zero before anything is recorded, as Prometheus clients do.
    if (this.labels.length === 0 && this.series.size === 0) this.cell([]);
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    for (const series of this.series.values()) this.renderSeries(out, series);
  }
}

/** A family whose series are one number each. */
abstract class ValueFamily extends Family<ValueCell> {
  protected newCell(): ValueCell {
    return { value: 0 };
  }
  protected renderSeries(out: string[], { labelText, cell }: Series<ValueCell>): void {
    out.push(`${this.name}${braces(labelText)} ${formatValue(cell.value)}`);
  }
}

/** A value that only goes up (requests, tokens, dollars). */
export class Counter extends ValueFamily {
  readonly type: MetricType = 'counter';
}

/** A value that is set (a breaker's state, memory). */
export class Gauge extends ValueFamily {
  readonly type: MetricType = 'gauge';
}

/** Observations counted into fixed buckets, plus their sum and count. */
export class Histogram extends Family<HistogramCell> {
  readonly type: MetricType = 'histogram';
  /** Upper bounds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  private readonly leTexts: string[];

  constructor(options: FamilyOptions & { buckets: readonly number[] }) {
    super(options);
    this.bounds = [...options.buckets].sort((a, b) => a - b);
    this.leTexts = [...this.bounds.map(formatValue), '+Inf'];
  }

  protected newCell(): HistogramCell {
    return { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
  }

  /** Counts `value` into its bucket: a linear scan, cheaper than a binary search over a dozen bounds. */
  observe(cell: HistogramCell, value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    cell.counts[i]!++;
    cell.sum += value;
    cell.count++;
  }

  protected renderSeries(out: string[], { labelText, cell }: Series<HistogramCell>): void {
    const prefix = labelText === '' ? '' : `${labelText},`;
    let cumulative = 0;
    for (let i = 0; i < this.leTexts.length; i++) {
      cumulative += cell.counts[i]!;
      out.push(`${this.name}_bucket{${prefix}le="${this.leTexts[i]}"} ${formatValue(cumulative)}`);
    }
    out.push(`${this.name}_sum${braces(labelText)} ${formatValue(cell.sum)}`);
    out.push(`${this.name}_count${braces(labelText)} ${formatValue(cell.count)}`);
  }
}

/** Families rendered in the order they were added. */
export class Registry {
  private readonly families: { render(out: string[]): void }[] = [];

  add<F extends { render(out: string[]): void }>(family: F): F {
    this.families.push(family);
    return family;
  }

  /** The whole exposition, ending in a newline as the format requires. */
  render(): string {
    const out: string[] = [];
    for (const family of this.families) family.render(out);
    return `${out.join('\n')}\n`;
  }
}

/** The content type of the text format, for the `/metrics` response. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** HELP text escapes backslash and line feed (a quote is literal there). */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** Go's ParseFloat spellings of the special values; ordinary numbers as JavaScript prints them. */
function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

function braces(labelText: string): string {
  return labelText === '' ? '' : `{${labelText}}`;
}
