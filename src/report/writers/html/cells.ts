/**
 * The cells of the HTML report as the page embeds them: one compact JSON object per cell, written one at a time
 * while the store streams the run. Keys are short and test-level data is written once per test, because a
 * 10,000-cell page carries each key 10,000 times; long texts are cut so one runaway output cannot bloat the file.
 */
import { readFileSync } from 'node:fs';
import type { AssertionResult, CellResult, CellStatus } from '../../../types.js';
import { isMediaRef, mediaAsPlaceholder, mediaPlaceholder, type MediaRef } from '../../../types.js';
import { outputWithCalls } from '../../model/listed-cells.js';

/** Texts longer than this (outputs, prompts) are cut, with a visible marker. */
export const MAX_TEXT_CHARS = 4000;
/** Assertion reasons and errors are shorter by nature; cut them sooner. */
export const MAX_REASON_CHARS = 1000;
/** A test's vars, as one display string. */
export const MAX_VARS_CHARS = 2000;

/** A verdict a cell can be paired on (skipped cells have none). */
export type Verdict = 'pass' | 'fail' | 'error';

/** One assertion's verdict as embedded. */
export interface HtmlAssertion {
  metric: string;
  /** The type as written, when it differs from `metric`. */
  type?: string;
  pass: boolean;
  score: number;
  weight: number;
  reason?: string;
  error?: string;
}

/** One cell as embedded in the page (`<script type="application/json" id="cells">`). */
export interface HtmlCell {
  /** Index of the cell's target (prompt × provider) in the page's target list. */
  t: number;
  /** Test id, test index, repeat index. */
  id: string;
  i: number;
  r: number;
  /** Description and vars: only on the first cell of a test; the test's other cells share them. */
  d?: string;
  v?: string;
  /** Rendered prompt, or the position of an earlier cell of the same test that has the same prompt. */
  p: string | number;
  o: string;
  s: CellStatus;
  sc: number;
  a: HtmlAssertion[];
  /** Latency ms, tokens [input, output], cost USD. */
  l: number;
  u?: [number, number];
  c: number;
  /** 1 when the answer came from the cache. */
  k?: 1;
  f?: string;
  e?: string;
  /** The baseline run's verdict on the same (target, test, repeat), when a baseline is given and both have one. */
  b?: Verdict;
  /** The test's media (first cell of a test only): name, kind, and a thumbnail source when there is one. */
  m?: HtmlMedia[];
  /** Media the model produced (image generation), as `m`. */
  g?: HtmlMedia[];
  /** The cell's id, when the encoder was asked for ids (`llmlab view`'s `#cell=` links); the file report has none. */
  x?: string;
}

/** A piece of a test's media as the page shows it. */
export interface HtmlMedia {
  /** The name it was given (`img/cat.png`, a URL, `data:`). */
  n: string;
  k: 'image' | 'audio';
  /** Thumbnail source: a `data:image/…` URI (the file report inlines small images) or `/media/<hash>` (the view). */
  s?: string;
}

/** Images up to this size are inlined in the file report as their own thumbnail; larger ones are named only. */
export const INLINE_IMAGE_BYTES = 48 * 1024;

/** The file report's thumbnail: the image itself as a data URI when it is small and still in the media store. */
export function inlineThumbnail(ref: MediaRef): string | undefined {
  if (ref.$media !== 'image' || ref.path === undefined || ref.bytes > INLINE_IMAGE_BYTES) return undefined;
  try {
    return `data:${ref.mimeType};base64,${readFileSync(ref.path).toString('base64')}`;
  } catch {
    return undefined;
  }
}

/** The media among a test's vars (top level and inside lists), in var order. */
function mediaOf(vars: Record<string, unknown>): MediaRef[] {
  return Object.values(vars).flatMap((v) => (isMediaRef(v) ? [v] : Array.isArray(v) ? v.filter(isMediaRef) : []));
}

/** A target as the page lists it. */
export interface HtmlTarget {
  promptId: string;
  providerLabel: string;
}

/** Identity of a cell across runs: what comparisons pair on. */
export function pairKey(promptId: string, providerLabel: string, testId: string, repeatIndex: number): string {
  return `${promptId}\0${providerLabel}\0${testId}\0${repeatIndex}`;
}

/** Cuts `text` to `max` characters (never inside a surrogate pair) and says how long it was. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}\n… [truncated: ${end.toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} characters shown]`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A test's vars as `name: value` lines, strings as written, media as placeholders and anything else as JSON. */
export function formatVars(vars: Record<string, unknown>): string {
  const lines = Object.entries(vars).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : isMediaRef(v) ? mediaPlaceholder(v) : JSON.stringify(v, mediaAsPlaceholder)}`);
  return truncate(lines.join('\n'), MAX_VARS_CHARS);
}

/** Options of {@link createCellEncoder}. */
export interface CellEncoderOptions {
  /** Add each cell's id (`x`): for deep links to a cell; the file report leaves them out (they only add bytes). */
  cellIds?: boolean;
  /** A thumbnail source for a piece of media; default {@link inlineThumbnail} (the view serves `/media/<hash>`). */
  mediaSrc?: (ref: MediaRef) => string | undefined;
}

/**
 * Returns a function that turns each cell of a run, in store order, into its embedded form. It keeps only the
 * current test's prompts, so its memory does not grow with the run.
 */
export function createCellEncoder(targets: readonly HtmlTarget[], baseline?: ReadonlyMap<string, Verdict>, options: CellEncoderOptions = {}) {
  const targetIndex = new Map(targets.map((t, i) => [`${t.promptId}\0${t.providerLabel}`, i]));
  const extra: HtmlTarget[] = [];
  let position = 0;
  let currentTest: string | undefined;
  let prompts = new Map<string, number>();

  const indexOf = (cell: CellResult): number => {
    const key = `${cell.promptId}\0${cell.providerLabel}`;
    let i = targetIndex.get(key);
    if (i === undefined) {
      // The summary lists every target with a cell; this only guards against a run written after it was taken.
      i = targets.length + extra.length;
      targetIndex.set(key, i);
      extra.push({ promptId: cell.promptId, providerLabel: cell.providerLabel });
    }
    return i;
  };

  const htmlMedia = (ref: MediaRef): HtmlMedia => {
    const src = (options.mediaSrc ?? inlineThumbnail)(ref);
    return { n: ref.name, k: ref.$media, ...(src === undefined ? {} : { s: src }) };
  };

  const encode = (cell: CellResult): HtmlCell => {
    const out: HtmlCell = {
      t: indexOf(cell),
      id: cell.testId,
      i: cell.testIndex,
      r: cell.repeatIndex,
      p: '',
      o: truncate(outputWithCalls(cell), MAX_TEXT_CHARS),
      s: cell.status,
      sc: round(cell.score),
      a: cell.assertions.map(encodeAssertion),
      l: Math.round(cell.latencyMs),
      c: cell.cost,
    };
    if (cell.testId !== currentTest) {
      currentTest = cell.testId;
      prompts = new Map();
      if (cell.description !== undefined) out.d = cell.description;
      if (Object.keys(cell.vars).length > 0) out.v = formatVars(cell.vars);
      const media = mediaOf(cell.vars);
      if (media.length > 0) {
        out.m = media.map(htmlMedia);
      }
    }
    const earlier = prompts.get(cell.prompt);
    if (earlier === undefined) {
      prompts.set(cell.prompt, position);
      out.p = truncate(cell.prompt, MAX_TEXT_CHARS);
    } else {
      out.p = earlier;
    }
    if (cell.media?.length) out.g = cell.media.map(htmlMedia);
    if (cell.usage) out.u = [cell.usage.input, cell.usage.output];
    if (cell.cached) out.k = 1;
    if (cell.finishReason !== undefined) out.f = cell.finishReason;
    if (cell.error !== undefined) out.e = truncate(cell.error, MAX_REASON_CHARS);
    const was = baseline && cell.status !== 'skipped' ? baseline.get(pairKey(cell.promptId, cell.providerLabel, cell.testId, cell.repeatIndex)) : undefined;
    if (was !== undefined) out.b = was;
    if (options.cellIds) out.x = cell.cellId;
    position++;
    return out;
  };

  return {
    encode,
    /** Targets met in cells but missing from the list given: append them to the page's target list. */
    extraTargets: (): HtmlTarget[] => extra,
  };
}

function encodeAssertion(a: AssertionResult): HtmlAssertion {
  const out: HtmlAssertion = { metric: a.metric, pass: a.pass, score: round(a.score), weight: a.weight };
  if (a.type !== a.metric) out.type = a.type;
  if (a.reason !== undefined) out.reason = truncate(a.reason, MAX_REASON_CHARS);
  if (a.error !== undefined) out.error = truncate(a.error, MAX_REASON_CHARS);
  return out;
}

/** Six significant decimals are more than a score needs, and far shorter than a double's 17 digits. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
