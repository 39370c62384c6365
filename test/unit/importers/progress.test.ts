// Issue 16: a long import says how far it has got: objects read, rate and phase, at most
// every so often while reading and at once on each new file and when it finishes.
import { describe, expect, it } from 'vitest';
import { ImportProgress, progressLine, terminalProgress, type ProgressState } from '../../../src/importers/progress.js';

function recorder(everyMs: number) {
  let clock = 0;
  const shown: { state: ProgressState; final: boolean }[] = [];
  const progress = new ImportProgress((state, final) => shown.push({ state, final }), everyMs, () => clock);
  return { progress, shown, tick: (ms: number) => (clock += ms) };
}

describe('import progress', () => {
  it('shows each file as it begins, then at most every everyMs while objects are read', () => {
    const { progress, shown, tick } = recorder(5000);
    progress.reading('ripe.db.inetnum.gz');
    expect(shown.map((s) => [s.state.phase, s.state.file, s.state.objects])).toEqual([['reading', 'ripe.db.inetnum.gz', 0]]);
    // 10,240 objects in 1 s: not yet time for another line.
    for (let i = 0; i < 10_240; i++) {
      if (i % 1024 === 0) tick(100);
      progress.object();
    }
    expect(shown).toHaveLength(1);
    // 5 s on: the next 1,024th object shows the count and the rate since the start.
    tick(4000);
    for (let i = 0; i < 1024; i++) progress.object();
    expect(shown).toHaveLength(2);
    expect(shown[1]!.state).toEqual({ phase: 'reading', file: 'ripe.db.inetnum.gz', objects: 11_264, perSecond: Math.round(11_264 / 5), elapsedMs: 5000 });
  });

  it('shows the finishing phase at once, and the end as final', () => {
    const { progress, shown, tick } = recorder(5000);
    progress.reading('a.db');
    for (let i = 0; i < 3000; i++) progress.object();
    tick(2000);
    progress.finishing();
    progress.done();
    expect(shown.slice(1).map((s) => [s.state.phase, s.state.file, s.state.objects, s.state.perSecond, s.final])).toEqual([
      ['finishing', null, 3000, 1500, false],
      ['finishing', null, 3000, 1500, true],
    ]);
  });

  it('words a line a person reads', () => {
    expect(progressLine({ phase: 'reading', file: 'ripe.db.gz', objects: 120_345, perSecond: 48_210, elapsedMs: 2500 })).toBe('reading ripe.db.gz: 120,345 objects, 48,210/s');
    expect(progressLine({ phase: 'finishing', file: null, objects: 742_920, perSecond: 51_000, elapsedMs: 14_600 })).toBe('finishing (closing what vanished, committing): 742,920 objects, 51,000/s');
  });

  it('redraws one terminal line in place and clears it at the end', () => {
    let out = '';
    const show = terminalProgress({ write: (t: string) => (out += t) });
    const state: ProgressState = { phase: 'reading', file: 'a.db', objects: 5, perSecond: 5, elapsedMs: 1000 };
    show(state, false);
    show({ ...state, objects: 6 }, false);
    show({ ...state, objects: 6 }, true);
    expect(out).toBe('\r\x1b[Kreading a.db: 5 objects, 5/s\r\x1b[Kreading a.db: 6 objects, 5/s\r\x1b[K');
  });
});
