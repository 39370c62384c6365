// Starts `lacak serve` as a child process (the real CLI) and finds the port it listens on.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly whoisPort: number;
  /** Every log line the server wrote to stderr so far. */
  readonly logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(cli: string, env: Record<string, string>, cwd?: string, timeoutMs = 120_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [cli, 'serve'], {
    cwd,
    // No grace period on SIGTERM and one process unless a test asks otherwise: every other test would wait out
    // the grace period, and a worker per core would double what each server costs.
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', HTTP_PORT: '0', WHOIS_PORT: '0', LACAK_SHUTDOWN_GRACE_MS: '0', LACAK_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ports = await new Promise<{ http: number; whois: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${logs.join('\n')}`)), timeoutMs);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; http?: number; whois?: number };
        if (entry.msg === 'lacak serving' && entry.http && entry.whois) {
          clearTimeout(timer);
          resolve({ http: entry.http, whois: entry.whois });
        }
      } catch {
        // not a log line (a one-line error): the exit handler reports it
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${logs.join('\n')}`));
    });
  });
  return {
    child,
    baseUrl: `http://127.0.0.1:${ports.http}`,
    whoisPort: ports.whois,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
