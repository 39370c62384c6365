// Where the process is in its stop (SIGTERM, issue 17): every front end reads this one object
// instead of keeping its own flag.
//   serving → stopping: /readyz says 503 and answers close their connections, so a load balancer
//             moves clients elsewhere while this server still answers everyone (the grace period);
//   stopping → closing: no new connections; a bulk stream in flight ends with a row saying why.
export class Lifecycle {
  private phase: 'serving' | 'stopping' | 'closing' = 'serving';

  get stopping(): boolean {
    return this.phase !== 'serving';
  }

  get closing(): boolean {
    return this.phase === 'closing';
  }

  stop(): void {
    if (this.phase === 'serving') this.phase = 'stopping';
  }

  close(): void {
    this.phase = 'closing';
  }
}

/** The words a bulk answer cut short by a stopping server ends with. */
export const STOPPING_MESSAGE = 'the server is stopping (a restart or an upgrade)';
