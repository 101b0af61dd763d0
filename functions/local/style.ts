/** Minimal terminal styling: color only on a TTY and when NO_COLOR is unset. */
export function createStyle(stream: NodeJS.WriteStream | { isTTY?: boolean }) {
  const on = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const wrap = (code: number) => (text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), dim: wrap(2), bold: wrap(1) };
}

export type Style = ReturnType<typeof createStyle>;

/** Pads cells into aligned columns. */
export function table(rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI color codes do not take up columns.
  const visible = (s: string) => s.replace(/\x1b\[\d+m/g, '').length;
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visible(cell));
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = ' '.repeat((widths[i] ?? 0) - visible(cell));
          return align[i] === 'r' ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
