// Registry text in output that is read line by line: WHOIS `%` lines, Team Cymru fields, RPSL
// value lines. Members write registry text (a customer's `descr:`), so a value must never end
// the line it is on and start one of its own: a bare `ReferralServer:` line is followed by
// WHOIS clients blindly, and a Cymru client reads one answer line per address (issue 13).

/**
 * What some reader takes for the end of a line: CR LF, LF, CR, VT, FF, the file, group and
 * record separators, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR. Python's str.splitlines(),
 * which WHOIS and Cymru client scripts use, breaks at every one of them.
 */
export const LINE_BREAK = /\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/;

/**
 * Control characters (C0, DEL, C1) and the two Unicode line separators, but not the tab: a
 * tab neither ends a line nor drives a terminal, and registry values keep theirs (an RPSL
 * export gives back the text it read).
 */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_RUNS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * The text as one line: each run of control characters (continuation newlines, a CR, a
 * terminal escape's ESC) becomes one space. Printable text is left as it is, so a holder
 * name written on two lines reads `Toko Kecil Jakarta` on one.
 */
export function oneLine(text: string): string {
  // Nearly every value is clean: test before building a new string.
  return CONTROL.test(text) ? text.replace(CONTROL_RUNS, ' ') : text;
}
