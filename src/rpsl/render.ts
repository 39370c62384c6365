// [name, value] pairs → RPSL text in the layout RIPE and APNIC servers print:
// values start in column 17, continuation lines are indented to the same column.
import { LINE_BREAK, oneLine } from '../model/one-line.js';

const VALUE_COLUMN = 16;
const INDENT = ' '.repeat(VALUE_COLUMN);
const PLUS_INDENT = `+${' '.repeat(VALUE_COLUMN - 1)}`;
/** `name:` at the start of a line, as a parser or a client looking for a referral reads it. */
const LOOKS_LIKE_ATTRIBUTE = /^\s*[A-Za-z0-9_-]+:/;

/**
 * Renders one object, every line ending in `\n`, no trailing blank line. Multi-line
 * values (joined with `\n` by the parser) become continuation lines; an empty one is
 * written as `+`, since a blank line would end the object.
 *
 * Every line a value yields begins with the indent or `+`, so no value can start an
 * attribute of its own (a `ReferralServer:` line, issue 13): any line break a reader might
 * honour (CR, NEL, LS, ...) starts a continuation line as LF does, and other control
 * characters become spaces (oneLine).
 */
export function renderRpsl(attributes: readonly (readonly [string, string])[]): string {
  const out: string[] = [];
  for (const [name, value] of attributes) {
    const head = `${name}:`;
    // Most values are one clean line (oneLine gives them back as they are).
    const valueLines = oneLine(value) === value ? [value] : value.split(LINE_BREAK).map(oneLine);
    const first = valueLines[0]!;
    // Names of 15+ characters leave no padding; one space still separates the value.
    const padded = head.length >= VALUE_COLUMN ? `${head} ` : head.padEnd(VALUE_COLUMN);
    out.push(first.trim() === '' ? head : padded + first);
    for (let i = 1; i < valueLines.length; i++) {
      const line = valueLines[i]!;
      if (line.trim() === '') out.push('+');
      // Some clients trim a line before looking for `ReferralServer:`: a continuation line
      // that reads like an attribute starts with `+` (same column, same value when parsed).
      else if (LOOKS_LIKE_ATTRIBUTE.test(line)) out.push(PLUS_INDENT + line);
      else out.push(INDENT + line);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
