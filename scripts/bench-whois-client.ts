// Bench child: WHOIS load from one process, forked by bench-whois.ts. One Node process
// cannot open and close connections as fast as a node:net server accepts them, so the
// bench runs several of these side by side and adds up their counts.
//
//   fork(dist/scripts/bench-whois-client.js, ['--addresses', FILE])
//   → {type:'ready'}; then per {type:'run', ...WhoisClientRun} → {type:'result', ...WhoisClientResult}
//
// Modes: `close` sends one query line per connection and reads to the server's close
// (RFC 3912); `keep` opens persistent connections with `-k ADDRESS` and sends the next
// address when the previous answer's trailer has arrived.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

export type WhoisLoadMode = 'close' | 'keep';

export interface WhoisClientRun {
  readonly port: number;
  readonly mode: WhoisLoadMode;
  readonly connections: number;
  readonly seconds: number;
  /** Where in the address list this process starts; it walks on from there. */
  readonly offset: number;
}

export interface WhoisClientResult {
  /** Complete answers that arrived inside the timed window. */
  readonly answers: number;
  readonly windowMs: number;
  /** Per answer, from the first byte written (or the connect call) to the answer's end. */
  readonly latenciesMs: Float64Array;
  readonly answerBytes: number;
  /** Answers carrying `%ERROR:nnn:`, by number (101 is "no entries found": the holes). */
  readonly errorNumbers: Readonly<Record<string, number>>;
  /** Connections that ended without the trailer line closing an answer. */
  readonly truncated: number;
  /** Socket errors by code (ECONNRESET, EADDRNOTAVAIL, ...). */
  readonly socketErrors: Readonly<Record<string, number>>;
  /** This process's CPU time during the window, user + system. */
  readonly cpuMs: number;
}

type Message = ({ readonly type: 'run' } & WhoisClientRun) | { readonly type: 'exit' };

// RIPE-style answers end with the server line and two empty lines (src/whois/render.ts).
const TRAILER = Buffer.from('% This query was served by');
const ANSWER_END = Buffer.from('\n\n\n');
const ERROR_MARK = Buffer.from('%ERROR:');

const { values } = parseArgs({ options: { addresses: { type: 'string' } } });
if (!values.addresses || !process.send) throw new Error('usage: fork bench-whois-client.js --addresses FILE (needs an IPC channel)');
const addresses = readFileSync(values.addresses, 'utf8').split('\n').filter((a) => a !== '');
if (addresses.length === 0) throw new Error(`${values.addresses} holds no address`);

class Tally {
  answers = 0;
  answerBytes = 0;
  truncated = 0;
  latencies: number[] = [];
  readonly errorNumbers: Record<string, number> = {};
  readonly socketErrors: Record<string, number> = {};

  constructor(readonly deadline: number) {}

  /** Counts one complete answer, if it ended inside the window. */
  answer(body: Buffer, started: number): void {
    const ended = performance.now();
    if (ended > this.deadline) return;
    this.answers++;
    this.answerBytes += body.length;
    this.latencies.push(ended - started);
    const mark = body.indexOf(ERROR_MARK);
    if (mark >= 0) {
      const number = body.toString('latin1', mark + ERROR_MARK.length, mark + ERROR_MARK.length + 3);
      this.errorNumbers[number] = (this.errorNumbers[number] ?? 0) + 1;
    }
  }

  socketError(err: NodeJS.ErrnoException): void {
    const code = err.code ?? err.message;
    this.socketErrors[code] = (this.socketErrors[code] ?? 0) + 1;
  }
}

function endsAnswer(buffer: Buffer, from: number): number {
  const trailer = buffer.indexOf(TRAILER, from);
  if (trailer < 0) return -1;
  const end = buffer.indexOf(ANSWER_END, trailer);
  return end < 0 ? -1 : end + ANSWER_END.length;
}

/** One connection per query: connect, write the line, read until the server closes. */
function oneShotLoop(port: number, tally: Tally, nextAddress: () => string): Promise<void> {
  return new Promise((resolve) => {
    const once = () => {
      if (performance.now() >= tally.deadline) return resolve();
      const started = performance.now();
      const chunks: Buffer[] = [];
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      // Written before the connect completes: net queues it, as a whois(1) client would send at once.
      socket.write(`${nextAddress()}\n`);
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => {
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const end = endsAnswer(body, Math.max(0, body.length - 200));
        if (end === body.length) tally.answer(body, started);
        else if (performance.now() <= tally.deadline) tally.truncated++;
      });
      socket.on('error', (err) => {
        if (performance.now() <= tally.deadline) tally.socketError(err);
      });
      socket.on('close', once);
    };
    once();
  });
}

/** A persistent connection: `-k ADDRESS` first, then one address per completed answer. */
function keepAliveLoop(port: number, tally: Tally, nextAddress: () => string): Promise<void> {
  return new Promise((resolve) => {
    const open = () => {
      if (performance.now() >= tally.deadline) return resolve();
      let buffered: Buffer = Buffer.alloc(0);
      let started = performance.now();
      let finishing = false;
      const socket: Socket = connect({ host: '127.0.0.1', port, noDelay: true });
      socket.write(`-k ${nextAddress()}\n`);
      socket.on('data', (chunk: Buffer) => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        for (;;) {
          const end = endsAnswer(buffered, 0);
          if (end < 0) return;
          tally.answer(buffered.subarray(0, end), started);
          buffered = buffered.subarray(end);
          if (performance.now() >= tally.deadline) {
            finishing = true;
            // Half-close: the server ends its side on our FIN and the connection goes cleanly.
            socket.end();
            return;
          }
          started = performance.now();
          socket.write(`${nextAddress()}\n`);
        }
      });
      socket.on('error', (err) => {
        if (performance.now() <= tally.deadline) tally.socketError(err);
      });
      socket.on('close', () => {
        if (!finishing && performance.now() <= tally.deadline) {
          // The server closed a persistent connection while a query was out: count it and reopen.
          tally.truncated++;
          return open();
        }
        resolve();
      });
    };
    open();
  });
}

async function run(r: WhoisClientRun): Promise<WhoisClientResult> {
  let next = r.offset;
  const nextAddress = () => addresses[next++ % addresses.length]!;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const tally = new Tally(startedAt + r.seconds * 1000);
  const loop = r.mode === 'close' ? oneShotLoop : keepAliveLoop;
  const loops: Promise<void>[] = [];
  for (let c = 0; c < r.connections; c++) loops.push(loop(r.port, tally, nextAddress));
  await Promise.all(loops);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    answers: tally.answers,
    windowMs: r.seconds * 1000,
    latenciesMs: Float64Array.from(tally.latencies),
    answerBytes: tally.answerBytes,
    errorNumbers: tally.errorNumbers,
    truncated: tally.truncated,
    socketErrors: tally.socketErrors,
    // The loops wind down after the deadline; that tail is small next to the window.
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on('message', (message: Message) => {
  if (message.type === 'exit') return process.disconnect();
  run(message).then(
    (result) => process.send!({ type: 'result', ...result }),
    (err: unknown) => process.send!({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
});
process.send({ type: 'ready' });
