// A test file that skips something owes its reader one line: what was skipped, why, and how to
// run it. Called at module level, where vitest's default reporter prints it under the file's name
// (a hook of a skipped suite never runs, and a skipped test's name alone says nothing of why).
export function reportSkip(what: string, why: string, howToRun: string): void {
  console.warn(`Skipped: ${what}. Why: ${why}. To run: ${howToRun}.`);
}
