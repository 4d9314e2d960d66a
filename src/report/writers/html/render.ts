/**
 * Renders the HTML report's page around its data with nunjucks (autoescape on: every string from a run is
 * escaped unless a filter here marks it safe). The cells are not rendered by the template: it leaves a mark
 * where they go, and the writer streams them there. Templates, CSS and JS are read from the package's
 * templates/ folder, found from this file's own location (src/report or dist/report), so an installed package
 * finds them too.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { LlmlabError, messageOf } from '../../../errors.js';
import { scriptJson } from './json.js';
import { formatP, formatUsd as usdText, plusMinusZero, pValueOnly, signedPoints } from '../../shared.js';

/** The package's templates folder: two levels above both src/report and dist/report. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../../templates/', import.meta.url));

/** Scripts inlined into the page, in order: the pure data model, DOM helpers, the parts, and last the entry point. */
const SCRIPT_FILES = ['model.js', 'dom.js', 'detail.js', 'compare.js', 'rows.js', 'view.js'];

/** The page's inline CSS and JS, and the CSP hash that lets exactly that script run. */
export interface PageAssets {
  css: string;
  script: string;
  /** `sha256-…` of `script`, for the page's Content-Security-Policy. */
  scriptHash: string;
}

/** Reads the inline CSS and JS from `templates/report/`. */
export function loadAssets(dir = TEMPLATES_DIR): PageAssets {
  const read = (name: string) => readTemplateFile(join(dir, 'report', name));
  const css = read('report.css');
  const script = SCRIPT_FILES.map(read).join('\n');
  // Our own files, but inlined raw: a closing tag inside would end the element early.
  if (/<\/script|<!--/i.test(script) || /<\/style/i.test(css)) {
    throw new LlmlabError('INTERNAL', 'the HTML report assets contain a closing tag; they cannot be inlined');
  }
  return { css, script, scriptHash: `sha256-${createHash('sha256').update(script).digest('base64')}` };
}

/** A nunjucks environment with autoescape on and the report's formatting filters. */
export function createHtmlEnvironment(dir = TEMPLATES_DIR): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), {
    autoescape: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('pct', (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`));
  env.addFilter('interval', (i: { low: number; high: number } | null | undefined) =>
    i ? `${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)}%` : '—',
  );
  env.addFilter('pp', (v: number) => `${plusMinusZero(signedPoints(v))} pp`);
  env.addFilter('usd', formatUsd);
  env.addFilter('ms', (v: number | null | undefined) =>
    v === null || v === undefined ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`,
  );
  env.addFilter('pval', (p: number) => pValueOnly(p));
  env.addFilter('p', (p: number, label = 'p') => formatP(p, label));
  env.addFilter('num', (n: number) => n.toLocaleString('en-US'));
  env.addFilter('fixed', (n: number, digits = 3) => n.toFixed(digits));
  env.addFilter('iso', (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z')));
  // The one filter that outputs markup: JSON made inert for a script element, so it needs no HTML escaping.
  env.addFilter('scriptjson', (v: unknown) => new nunjucks.runtime.SafeString(scriptJson(v)));
  return env;
}

/** The rendered page cut where the cells go; `metaMark` in `tail` is where the page's meta JSON goes. */
export interface PageShell {
  head: string;
  tail: string;
  metaMark: string;
}

/**
 * Renders `report.html.njk` with `context`. The marks are random, so no string in a run can fake one and cut
 * the page in the wrong place.
 */
export function renderShell(context: Record<string, unknown>, dir = TEMPLATES_DIR): PageShell {
  const nonce = randomBytes(12).toString('hex');
  const cellsMark = `@@llmlab-cells-${nonce}@@`;
  const metaMark = `@@llmlab-meta-${nonce}@@`;
  let html: string;
  try {
    html = createHtmlEnvironment(dir).render('report.html.njk', { ...context, cellsMark, metaMark });
  } catch (error) {
    throw new LlmlabError('INTERNAL', `cannot render the HTML report: ${messageOf(error)}`, {
      hint: `the report templates are read from ${dir}; reinstall llmlab if that folder is missing or changed`,
      cause: error,
    });
  }
  const parts = html.split(cellsMark);
  if (parts.length !== 2 || !parts[1]!.includes(metaMark)) {
    throw new LlmlabError('INTERNAL', 'the HTML report template must hold the cells mark once, followed by the meta mark');
  }
  return { head: parts[0]!, tail: parts[1]!, metaMark };
}

/** USD with enough digits to tell small per-call costs apart. */
export function formatUsd(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : usdText(v);
}

function readTemplateFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new LlmlabError('INTERNAL', `cannot read the HTML report asset ${path}: ${messageOf(error)}`, {
      hint: 'reinstall llmlab: templates/ ships with the package',
    });
  }
}
