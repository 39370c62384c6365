// [name, value] pairs → RPSL text in the layout RIPE and APNIC servers print:
// values start in column 17, continuation lines are indented to the same column.

const VALUE_COLUMN = 16;
const INDENT = ' '.repeat(VALUE_COLUMN);

/**
 * Renders one object, every line ending in `\n`, no trailing blank line. Multi-line
 * values (joined with `\n` by the parser) become continuation lines; an empty one is
 * written as `+`, since a blank line would end the object.
 */
export function renderRpsl(attributes: readonly (readonly [string, string])[]): string {
  const out: string[] = [];
  for (const [name, value] of attributes) {
    const head = `${name}:`;
    const valueLines = value.split('\n');
    const first = valueLines[0]!;
    // Names of 15+ characters leave no padding; one space still separates the value.
    const padded = head.length >= VALUE_COLUMN ? `${head} ` : head.padEnd(VALUE_COLUMN);
    out.push(first.trim() === '' ? head : padded + first);
    for (let i = 1; i < valueLines.length; i++) {
      const line = valueLines[i]!;
      out.push(line.trim() === '' ? '+' : INDENT + line);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
