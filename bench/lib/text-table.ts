export type Cell = string | number | null | undefined;

/** Rows as an aligned text table under a header and a dashed rule. */
export function table(headers: string[], rows: Cell[][]): string {
  const cells = [headers, ...rows].map((row) =>
    row.map((c) => (c === null || c === undefined ? '-' : String(c))),
  );
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [
    line(cells[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}
