/** Small text formatters shared by the TUI's components. */

/** `850 ms`, `12.3 s`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `12,345` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `87.5%` */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A progress bar of `width` cells. */
export function progressBar(fraction: number, width: number): string {
  const full = Math.round(Math.min(Math.max(fraction, 0), 1) * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Cuts `text` to `width` characters, marking the cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(width - 1, 0))}…`;
}

/** Left-aligns `text` in `width` columns, cutting it when longer. */
export function cell(text: string, width: number): string {
  return truncate(text, width).padEnd(width);
}
