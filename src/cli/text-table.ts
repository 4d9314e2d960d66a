/** A plain-text table for command output: columns padded to their widest cell, two spaces apart, a rule under the header. */

/**
 * The lines of a table. The first column is left-aligned (a name), the others right-aligned (figures) unless
 * `left` names more left-aligned columns by index.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], left: readonly number[] = [0]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells.map((c, i) => (left.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [format(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(format)];
}
