// Bench child: the floor under lacak's WHOIS server. A node:net server with the same
// socket options as src/whois/server.ts that answers every query line with one constant
// text, a real lacak answer read once from a file, so the bytes on the wire match and
// only the parsing, the lookup and the rendering are missing. It keeps lacak's framing
// rules: one query per connection, `-k ADDRESS` first to keep the connection open, `-k`
// alone to toggle (open as the first line, close once open), blank lines skipped while
// persistent.
//
//   node dist/scripts/bench-bare-whois.js --answer FILE --port N   → {"msg":"bare serving","whois":N} on stderr
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { answer: { type: 'string' }, port: { type: 'string' } } });
if (!values.answer || !values.port) throw new Error('usage: bench-bare-whois --answer FILE --port N');

const answer = readFileSync(values.answer);
const NEWLINE = 0x0a;

const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
  let persistent = false;
  let pending = '';
  socket.on('data', (chunk: Buffer) => {
    let start = 0;
    for (;;) {
      if (socket.writableEnded) return;
      const at = chunk.indexOf(NEWLINE, start);
      if (at < 0) {
        pending += chunk.toString('utf8', start);
        return;
      }
      const line = (pending + chunk.toString('utf8', start, at)).trimEnd();
      pending = '';
      start = at + 1;
      if (line === '-k') {
        if (persistent) {
          socket.end();
          return;
        }
        persistent = true;
        continue;
      }
      if (persistent) {
        if (line !== '') socket.write(answer);
        continue;
      }
      if (line.startsWith('-k ')) {
        persistent = true;
        socket.write(answer);
        continue;
      }
      socket.end(answer);
      return;
    }
  });
  socket.on('end', () => {
    if (!socket.writableEnded) socket.end();
  });
  socket.on('error', () => socket.destroy());
});
server.maxConnections = 100_000;

server.listen({ host: '127.0.0.1', port: Number(values.port) }, () => {
  const address = server.address();
  process.stderr.write(`${JSON.stringify({ msg: 'bare serving', whois: typeof address === 'object' && address ? address.port : Number(values.port) })}\n`);
});

process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  // Connections still open (a client that never finished) do not hold the exit.
  setTimeout(() => process.exit(0), 1000).unref();
});
