// Loaded into the bench's server children with --import (issue 15): totals the garbage
// collector's pauses and writes them to stderr when asked with SIGUSR2, so the bench can
// put the GC time of a load run beside the answers it gave.
import { PerformanceObserver } from 'node:perf_hooks';

let totalMs = 0;
let pauses = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    totalMs += entry.duration;
    pauses++;
  }
}).observe({ entryTypes: ['gc'] });
// SIGWINCH: collect garbage now (when the child runs with --expose-gc) and say so, so that the
// bench can read the memory the process holds, apart from garbage not yet collected.
process.on('SIGWINCH', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  process.stderr.write(`bench-gc collected ${gc ? 'yes' : 'no'}\n`);
});
process.on('SIGUSR2', () => {
  const m = process.memoryUsage();
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  process.stderr.write(`bench-gc ${totalMs.toFixed(3)} ${pauses} heapUsed ${mib(m.heapUsed)} heapTotal ${mib(m.heapTotal)} external ${mib(m.external)} arrayBuffers ${mib(m.arrayBuffers)} rss ${mib(m.rss)}\n`);
});
