/**
 * Pages of `llmlab view`: nunjucks templates under templates/view/ rendered inside one layout, sent with a strict
 * Content-Security-Policy. Scripts load from this server only (`/assets/…`), so a string from a run that reached
 * the page as markup still could not run; and every string reaches it escaped (autoescape) or as DOM text.
 */
import type { Context } from 'hono';
import { LlmlabError, messageOf } from '../errors.js';
import type { ViewContext } from './context.js';

/** The navigation bar's entries; `active` marks the current one. */
export const NAV = [
  { id: 'runs', href: '/', label: 'Runs' },
  { id: 'compare', href: '/compare', label: 'Compare' },
  { id: 'history', href: '/history', label: 'History' },
  { id: 'studio', href: '/studio', label: 'Studio' },
] as const;

/** Options of {@link renderPage}. */
export interface PageOptions {
  /** Which NAV entry is current. */
  active?: (typeof NAV)[number]['id'];
  /** `sha256-…` hashes of inline scripts the page carries (the run page's report script). */
  scriptHashes?: readonly string[];
  status?: number;
}

/** The policy every page is served with: this origin only, no inline script unless its hash is listed. */
export function contentSecurityPolicy(scriptHashes: readonly string[] = []): string {
  const scripts = ["'self'", ...scriptHashes.map((h) => `'${h}'`)].join(' ');
  return [
    "default-src 'none'",
    `script-src ${scripts}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every page and API answer carries. */
export function securityHeaders(scriptHashes: readonly string[] = []): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(scriptHashes),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

/**
 * Renders `templates/view/<template>` (which extends `view/layout.njk`) with `data` plus what the layout needs,
 * and answers with it.
 */
export function renderPage(c: Context, view: ViewContext, template: string, data: Record<string, unknown>, options: PageOptions = {}): Response {
  const html = renderTemplate(view, `view/${template}`, {
    ...data,
    csrf: view.csrf,
    nav: NAV,
    active: options.active,
    version: view.version,
  });
  return c.html(html, (options.status ?? 200) as 200, securityHeaders(options.scriptHashes));
}

/** Renders any template under templates/ with the view's environment; a template bug is an INTERNAL error. */
export function renderTemplate(view: ViewContext, template: string, data: Record<string, unknown>): string {
  try {
    return view.templates.render(template, data);
  } catch (error) {
    throw new LlmlabError('INTERNAL', `cannot render ${template}: ${messageOf(error)}`, { cause: error });
  }
}
