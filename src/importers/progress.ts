// How far a long import has got (issue 16): objects read, their rate, and the phase, shown
// on a terminal as one line redrawn in place, or off one (a service, a pipe) as a log line
// every few seconds. Counting costs an increment; the clock is read once per 1,024 objects.

export type ImportPhase = 'reading' | 'finishing';

export interface ProgressState {
  readonly phase: ImportPhase;
  /** The file being read (reading only). */
  readonly file: string | null;
  readonly objects: number;
  /** Objects read per second since the import began. */
  readonly perSecond: number;
  readonly elapsedMs: number;
}

/** Shows a state; `final`: the import is over (a terminal line is cleared then). */
export type ProgressShow = (state: ProgressState, final: boolean) => void;

export class ImportProgress {
  private objects = 0;
  private phase: ImportPhase = 'reading';
  private file: string | null = null;
  private readonly started: number;
  private shownAt: number;

  /** `everyMs`: at most this often while objects are read (each phase change is shown at once). */
  constructor(
    private readonly show: ProgressShow,
    private readonly everyMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = this.shownAt = now();
  }

  reading(file: string): void {
    this.phase = 'reading';
    this.file = file;
    this.emit(false);
  }

  /** One object read (whatever becomes of it). */
  object(): void {
    this.objects++;
    if ((this.objects & 1023) === 0 && this.now() - this.shownAt >= this.everyMs) this.emit(false);
  }

  /** Reading is over: what vanished is closed and the whole is committed. */
  finishing(): void {
    this.phase = 'finishing';
    this.file = null;
    this.emit(false);
  }

  done(): void {
    this.emit(true);
  }

  private emit(final: boolean): void {
    const now = this.now();
    this.shownAt = now;
    const elapsedMs = now - this.started;
    this.show({ phase: this.phase, file: this.file, objects: this.objects, perSecond: elapsedMs > 0 ? Math.round((this.objects * 1000) / elapsedMs) : 0, elapsedMs }, final);
  }
}

const COUNT = new Intl.NumberFormat('en-GB');

/** `reading ripe.db.inetnum.gz: 120,345 objects, 48,210/s` */
export function progressLine(s: ProgressState): string {
  const where = s.phase === 'reading' ? `reading ${s.file ?? ''}` : 'finishing (closing what vanished, committing)';
  return `${where}: ${COUNT.format(s.objects)} objects, ${COUNT.format(s.perSecond)}/s`;
}

/** On a terminal: one line redrawn in place, cleared at the end (the summary follows). */
export function terminalProgress(out: { write(text: string): unknown }): ProgressShow & { clear(): void } {
  const clear = () => out.write('\r\x1b[K');
  const show = (s: ProgressState, final: boolean) => {
    clear();
    if (!final) out.write(progressLine(s));
  };
  return Object.assign(show, { clear });
}

/** Off a terminal: a log line each time (the caller shows one every few seconds). */
export function logProgress(log: { info(fields: object, message: string): void }): ProgressShow {
  return (s, final) => {
    if (!final) log.info({ phase: s.phase, file: s.file, objects: s.objects, perSecond: s.perSecond, ms: Math.round(s.elapsedMs) }, 'import progress');
  };
}
