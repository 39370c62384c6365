// The real WHOIS server as users meet it: Debian's whois(1), a raw socket for `-k`, and Team
// Cymru's Python client (python3-cymruwhois) for bulk mode. The assertions are on what a user
// reads: the objects and their keys, the abuse line, and never a person's personal data.
// The clients are skipped where absent, except under CI, which installs them (.ci/run).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { reportSkip } from '../helpers/skip.js';

const WHOIS = '/usr/bin/whois';
const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

const hasWhois = existsSync(WHOIS);
const hasCymru = existsSync(PYTHON) && (await run(PYTHON, ['-c', 'import cymruwhois']).then(() => true, () => false));
const required = Boolean(process.env.CI);
// Without CI a missing client skips its tests, and the run says which Debian package brings them back.
const absent = [
  ...(hasWhois ? [] : [{ client: "Debian's whois client", why: `no ${WHOIS}`, pkg: 'whois' }]),
  ...(hasCymru ? [] : [{ client: "Team Cymru's bulk client", why: `no Python module cymruwhois for ${PYTHON}`, pkg: 'python3-cymruwhois' }]),
];
if (absent.length > 0 && !required) {
  reportSkip(
    `the tests with ${absent.map((a) => a.client).join(' and ')} in this file`,
    absent.map((a) => a.why).join(', '),
    `apt-get install ${absent.map((a) => a.pkg).join(' ')} (Debian)`,
  );
}

// ---- the sample registry as files: the oracle for what may and may not be shown -------------

interface RpslObject {
  readonly className: string;
  readonly attrs: ReadonlyArray<readonly [string, string]>;
}

/** Blank-line separated objects; `%`/`#` lines skipped; continuation lines joined. */
function parseRpsl(text: string): RpslObject[] {
  const objects: RpslObject[] = [];
  for (const block of text.split(/\n[ \t]*\n/)) {
    const attrs: Array<[string, string]> = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith('%') || line.startsWith('#')) continue;
      const m = /^([a-z0-9-]+):\s*(.*)$/i.exec(line);
      if (m) attrs.push([m[1]!.toLowerCase(), m[2]!.trim()]);
      else if (/^[ \t+]/.test(line) && attrs.length > 0) attrs[attrs.length - 1]![1] += ` ${line.slice(1).trim()}`;
    }
    if (attrs.length > 0) objects.push({ className: attrs[0]![0], attrs });
  }
  return objects;
}

const value = (o: RpslObject, key: string) => o.attrs.find(([k]) => k === key)?.[1];
const values = (o: RpslObject, key: string) => o.attrs.filter(([k]) => k === key).map(([, v]) => v);
/** The name a user looks an object up by: nic-hdl for contacts, else the first attribute. */
const keyOf = (o: RpslObject) => (o.className === 'person' || o.className === 'role' ? value(o, 'nic-hdl')! : o.attrs[0]![1]);

const sampleFiles = ['2025-06-01/apnic.db', '2025-06-01/idnic.db', '2026-01-01/idnic.db'].map((f) => readFileSync(join(SAMPLE_DIR, f), 'utf8'));
const everyObject = sampleFiles.flatMap(parseRpsl);
/** The registry as it stands now: APNIC's file and IDNIC's second snapshot. */
const currentObjects = [sampleFiles[0]!, sampleFiles[2]!].flatMap(parseRpsl);

const PERSONAL = new Set(['person', 'address', 'phone', 'fax-no', 'e-mail']);
const NEVER_SHOWN = new Set(['auth', 'notify', 'upd-to', 'mnt-nfy', 'ref-nfy', 'irt-nfy']);

/**
 * Values an anonymous answer must not contain: a person's name, address, phones and e-mail,
 * and notification addresses and auth lines, except where the same text is public elsewhere
 * (a person at the company's address, a role mailbox that is also a notify address).
 */
const secretValues: string[] = (() => {
  const secret = new Set<string>();
  const open = new Set<string>();
  for (const o of everyObject) {
    for (const [k, v] of o.attrs) {
      if ((o.className === 'person' && PERSONAL.has(k)) || NEVER_SHOWN.has(k)) secret.add(v);
      else open.add(v);
    }
  }
  return [...secret].filter((v) => !open.has(v));
})();

function expectNoPersonalData(answer: string): void {
  for (const v of secretValues) expect(answer, `answer shows ${JSON.stringify(v)}`).not.toContain(v);
  expect(answer).not.toMatch(/^(auth|notify|upd-to|mnt-nfy|ref-nfy|irt-nfy):/m);
}

// ---- reading an answer ------------------------------------------------------------------------

/** The answer's objects, and for each `% Information related to` group its first object. */
function readAnswer(text: string): { objects: RpslObject[]; groupHeads: RpslObject[] } {
  const objects: RpslObject[] = [];
  const groupHeads: RpslObject[] = [];
  let newGroup = false;
  for (const block of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    if (/^% Information related to /m.test(block)) newGroup = true;
    const [object] = parseRpsl(block);
    if (!object) continue;
    objects.push(object);
    if (newGroup) groupHeads.push(object);
    newGroup = false;
  }
  return { objects, groupHeads };
}

/** An IPv4 range `a.b.c.d - e.f.g.h` as two numbers. */
function rangeOf(text: string): [number, number] {
  const [first, last] = text.split(/\s*-\s*/).map((ip) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0));
  return [first!, last!];
}

// ---- the server and the clients -------------------------------------------------------------

const tmp = tempDir();
let server: ServerProcess;

beforeAll(async () => {
  const db = join(tmp.dir, 'registry.sqlite');
  await buildSampleRegistry(SAMPLE_DIR, db, quietLog);
  server = await startServer(CLI, { LACAK_DB: db });
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

/** What whois(1) prints, less its own note that it does not know this server speaks RIPE flags. */
async function whois(...args: string[]): Promise<string> {
  const { stdout } = await run(WHOIS, ['-h', '127.0.0.1', '-p', String(server.whoisPort), ...args], { timeout: 10_000 });
  return stdout.replace(/^Warning: RIPE flags used with a traditional server\.\n/, '');
}

describe.skipIf(!hasWhois && !required)('WHOIS with the Debian whois client', () => {
  it('knows what must stay hidden (names, phones, e-mails, notify addresses)', () => {
    expect(secretValues).toEqual(expect.arrayContaining(['Arif Wicaksono Pranoto', '+62 21 55502110', 'arif.pranoto@contohnet.example.id', 'noc-notify@contohnet.example.id']));
  });

  it('answers an address with the holder, its contacts, the abuse line and the route', async () => {
    const answer = await whois('198.51.100.41');
    const { objects, groupHeads } = readAnswer(answer);
    expect(objects[0]!.attrs[0]).toEqual(['inetnum', '198.51.100.40 - 198.51.100.43']);
    expect(value(objects[0]!, 'netname')).toBe('KSP-CONTOHMAKMUR-ID');
    expect(answer).toContain("% Abuse contact for '198.51.100.40 - 198.51.100.43' is 'abuse@solusiweb.example.com'");
    // The contacts the network names, the person one withheld.
    expect(objects.filter((o) => o.className === 'person' || o.className === 'role').map(keyOf).sort()).toEqual(['CAP1-IDNIC', 'SW1-IDNIC']);
    expect(objects.find((o) => o.className === 'person')!.attrs[0]).toEqual(['person', '[personal data withheld]']);
    // Then the routing view, as RIPE's and APNIC's servers give it: the most specific covering
    // route with its origin, in a group of its own (issue 14).
    expect(groupHeads.map((o) => o.attrs[0])).toEqual([
      ['inetnum', '198.51.100.40 - 198.51.100.43'],
      ['route', '198.51.100.0/26'],
    ]);
    expect(value(groupHeads[1]!, 'origin')).toBe('AS64497');
    expect(answer).toContain("% Information related to '198.51.100.0/26AS64497'");
    expectNoPersonalData(answer);
  });

  it('-T route finds the route of a prefix', async () => {
    const { objects } = readAnswer(await whois('-T', 'route', '198.51.100.0/26'));
    expect(objects.map((o) => [o.attrs[0], value(o, 'origin')])).toEqual([[['route', '198.51.100.0/26'], 'AS64497']]);
  });

  it('-r -T inetnum gives the inetnum alone', async () => {
    const answer = await whois('-r', '-T', 'inetnum', '198.51.100.41');
    const { objects } = readAnswer(answer);
    expect(objects.map((o) => o.attrs[0])).toEqual([['inetnum', '198.51.100.40 - 198.51.100.43']]);
    expect(answer).toContain("% Abuse contact for '198.51.100.40 - 198.51.100.43' is 'abuse@solusiweb.example.com'");
    expectNoPersonalData(answer);
  });

  it('-L gives the chain of less specific networks, least specific first', async () => {
    const answer = await whois('-L', '198.51.100.41');
    const inetnums = readAnswer(answer).objects.filter((o) => o.className === 'inetnum');
    // APNIC's record of the NIR block and IDNIC's own equal one both cover the address.
    expect([...new Set(inetnums.map((o) => o.attrs[0]![1]))]).toEqual([
      '198.51.100.0 - 198.51.100.255',
      '198.51.100.0 - 198.51.100.95',
      '198.51.100.16 - 198.51.100.63',
      '198.51.100.32 - 198.51.100.47',
      '198.51.100.40 - 198.51.100.43',
    ]);
    for (let i = 1; i < inetnums.length; i++) {
      const [outerFirst, outerLast] = rangeOf(inetnums[i - 1]!.attrs[0]![1]);
      const [first, last] = rangeOf(inetnums[i]!.attrs[0]![1]);
      expect(first >= outerFirst && last <= outerLast).toBe(true);
    }
    expect(answer).toContain("% Abuse contact for '198.51.100.0 - 198.51.100.95' is 'abuse@contohnet.example.id'");
    expectNoPersonalData(answer);
  });

  it('-M gives every more specific network of a prefix', async () => {
    const answer = await whois('-M', '198.51.100.0/24');
    const shown = readAnswer(answer).objects.filter((o) => o.className === 'inetnum').map((o) => o.attrs[0]![1]);
    const [blockFirst, blockLast] = rangeOf('198.51.100.0 - 198.51.100.255');
    const expected = currentObjects
      .filter((o) => o.className === 'inetnum')
      .map((o) => o.attrs[0]![1])
      .filter((range) => {
        const [first, last] = rangeOf(range);
        return first >= blockFirst && last <= blockLast && !(first === blockFirst && last === blockLast);
      });
    expect(expected.length).toBeGreaterThan(5);
    expect([...shown].sort()).toEqual([...new Set(expected)].sort());
    expectNoPersonalData(answer);
  });

  it('-i mnt-by finds every object the maintainer maintains', async () => {
    const expected = currentObjects.filter((o) => values(o, 'mnt-by').includes('MAINT-ID-CONTOHNET')).map(keyOf);
    expect(expected.length).toBeGreaterThan(10);

    const answer = await whois('-i', 'mnt-by', 'MAINT-ID-CONTOHNET');
    const { objects, groupHeads } = readAnswer(answer);
    for (const head of groupHeads) expect(values(head, 'mnt-by'), keyOf(head)).toContain('MAINT-ID-CONTOHNET');
    expect([...new Set(objects.map(keyOf))]).toEqual(expect.arrayContaining(expected));
    expectNoPersonalData(answer);

    // Without the objects they refer to, every object shown is one the maintainer maintains.
    const bare = readAnswer(await whois('-r', '-i', 'mnt-by', 'MAINT-ID-CONTOHNET')).objects;
    for (const o of bare) expect(values(o, 'mnt-by'), keyOf(o)).toContain('MAINT-ID-CONTOHNET');
    expect(bare.map(keyOf).sort()).toEqual([...expected].sort());
  });

  it('-b gives the network and its abuse mailbox only', async () => {
    const answer = await whois('-b', '198.51.100.41');
    const { objects } = readAnswer(answer);
    expect(objects).toHaveLength(1);
    expect(objects[0]!.attrs).toEqual([
      ['inetnum', '198.51.100.40 - 198.51.100.43'],
      ['abuse-mailbox', 'abuse@solusiweb.example.com'],
    ]);
    expect(answer).toContain("% Abuse contact for '198.51.100.40 - 198.51.100.43' is 'abuse@solusiweb.example.com'");
  });

  it('answers an AS number typed in lower case', async () => {
    const answer = await whois('as64497');
    const { objects } = readAnswer(answer);
    expect(objects[0]!.attrs[0]).toEqual(['aut-num', 'AS64497']);
    expect(value(objects[0]!, 'as-name')).toBe('CONTOHNET-AS-ID');
    expect(objects.map((o) => o.className)).toContain('organisation');
    expectNoPersonalData(answer);
  });

  // AS64497 has `abuse-c: CA1-IDNIC`, a role with an abuse-mailbox.
  it('shows the abuse contact of an AS number, as RIPE does', async () => {
    expect(await whois('as64497')).toContain("% Abuse contact for 'AS64497' is 'abuse@contohnet.example.id'");
    const brief = readAnswer(await whois('-b', 'as64497')).objects;
    expect(brief.map((o) => o.attrs)).toEqual([
      [
        ['aut-num', 'AS64497'],
        ['abuse-mailbox', 'abuse@contohnet.example.id'],
      ],
    ]);
  });

  it('answers a handle typed in lower case', async () => {
    const answer = await whois('org-cjn1-idnic');
    const { objects } = readAnswer(answer);
    expect(objects[0]!.attrs[0]).toEqual(['organisation', 'ORG-CJN1-IDNIC']);
    expect(value(objects[0]!, 'org-name')).toBe('PT Contoh Jaringan Nusantara');
    expectNoPersonalData(answer);
  });
});

// ---- -k over a raw socket ----------------------------------------------------------------------

/** A socket that collects what the server writes, and can wait for it. */
class RawClient {
  text = '';
  ended = false;
  private readonly socket: Socket;
  private waiters: Array<() => void> = [];

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => {
      this.text += d;
      this.wake();
    });
    this.socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.socket.on('error', () => this.wake());
  }

  send(line: string): void {
    this.socket.write(line);
  }

  async until(done: () => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got: ${this.text.slice(-500)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

const TRAILER = /^% This query was served by /gm;
const answersIn = (text: string) => text.match(TRAILER)?.length ?? 0;

/** The last line of lacak's banner, which starts every answer and greets a bare -k. */
const BANNER_END = '% Send "help" for the query flags.\n';

describe('WHOIS -k (persistent connection) over a raw socket', () => {
  it('greets a bare -k with the banner and waits for the query, as RIPE\'s server does', async () => {
    const client = new RawClient(server.whoisPort);
    try {
      client.send('-k\r\n');
      // Not silence: the banner, a blank line, and the connection still open.
      await client.until(() => client.text.endsWith(`${BANNER_END}\n`), 'the banner');
      expect(client.text).toMatch(/^% \[[^\]]+\] lacak /);
      expect(answersIn(client.text)).toBe(0);
      expect(client.ended).toBe(false);
      client.send('-r -T inetnum 198.51.100.41\r\n');
      await client.until(() => answersIn(client.text) === 1, 'the answer');
      const answered = client.text.length;
      // The closing -k says nothing more.
      client.send('-k\r\n');
      await client.until(() => client.ended, 'the server to close');
      expect(client.text.length).toBe(answered);
    } finally {
      client.close();
    }
  });

  it('answers two queries on one connection opened by a bare -k, and -k closes it', async () => {
    const client = new RawClient(server.whoisPort);
    try {
      client.send('-k\r\n');
      client.send('-r -T inetnum 198.51.100.41\r\n');
      await client.until(() => answersIn(client.text) === 1, 'the first answer');
      expect(client.ended).toBe(false);
      client.send('-r as64497\r\n');
      await client.until(() => answersIn(client.text) === 2, 'the second answer');
      expect(client.ended).toBe(false);
      client.send('-k\r\n');
      await client.until(() => client.ended, 'the server to close');
      const [first, second] = client.text.split(TRAILER);
      expect(readAnswer(first!).objects.map((o) => o.attrs[0])).toEqual([['inetnum', '198.51.100.40 - 198.51.100.43']]);
      expect(readAnswer(second!).objects.map((o) => o.attrs[0])).toEqual([['aut-num', 'AS64497']]);
      expect(answersIn(client.text)).toBe(2);
    } finally {
      client.close();
    }
  });

  it('keeps the connection open when -k comes with the first query', async () => {
    const client = new RawClient(server.whoisPort);
    try {
      client.send('-k -r 198.51.100.41\n');
      await client.until(() => answersIn(client.text) === 1, 'the first answer');
      client.send('\n-r org-cjn1-idnic\n');
      await client.until(() => answersIn(client.text) === 2, 'the second answer');
      expect(client.ended).toBe(false);
      client.send('-k\n');
      await client.until(() => client.ended, 'the server to close');
      // The address's answer ends with its route (issue 14), which -r keeps.
      expect(readAnswer(client.text).objects.map((o) => o.attrs[0]![1])).toEqual(['198.51.100.40 - 198.51.100.43', '198.51.100.0/26', 'ORG-CJN1-IDNIC']);
    } finally {
      client.close();
    }
  });
});

// ---- Team Cymru bulk mode with the real Python client -------------------------------------------

/**
 * address → [AS, BGP prefix, CC, AS name] as python3-cymruwhois reports them (DESIGN §4): the
 * most specific covering route gives AS and prefix, else AS NA and the holder's CIDR block;
 * the AS name is the aut-num's `as-name, CC`.
 */
const CYMRU_EXPECTED: Record<string, [string, string, string, string]> = {
  '198.51.100.41': ['64497', '198.51.100.0/26', 'ID', 'CONTOHNET-AS-ID, ID'],
  '198.51.100.33': ['64497', '198.51.100.0/26', 'ID', 'CONTOHNET-AS-ID, ID'],
  // Holder 198.51.100.0 - 198.51.100.95 is not one prefix: the column is still a prefix.
  '198.51.100.0': ['64497', '198.51.100.0/26', 'ID', 'CONTOHNET-AS-ID, ID'],
  '198.51.100.70': ['64497', '198.51.100.64/27', 'ID', 'CONTOHNET-AS-ID, ID'],
  // No route covers it: no AS (none is guessed), the holder's block, no AS name.
  '198.51.100.100': ['NA', '198.51.100.96/29', 'ID', 'NA'],
  '198.51.100.165': ['64498', '198.51.100.128/26', 'ID', 'AWANKILAT-AS-ID, ID'],
  '203.0.113.100': ['64500', '203.0.113.64/26', 'ID', 'KABELLAUT-AS-ID, ID'],
  '2001:db8:110:2a00::25': ['64497', '2001:db8:100::/40', 'ID', 'CONTOHNET-AS-ID, ID'],
  // Another registry's space, special-purpose space, and the IANA placeholder: no holder here.
  '8.8.8.8': ['NA', 'NA', 'NA', 'NA'],
  '10.1.2.3': ['NA', 'NA', 'NA', 'NA'],
  '192.0.2.50': ['NA', 'NA', 'NA', 'NA'],
};

const CYMRU_SCRIPT = `
import sys
from cymruwhois import Client
c = Client(host='127.0.0.1', port=int(sys.argv[1]), memcache_host=None)
for r in c.lookupmany(sys.argv[2:]):
    print(r.ip, r.asn, r.prefix, r.cc, r.owner, sep='|')
`;

describe.skipIf(!hasCymru && !required)('Team Cymru bulk mode with python3-cymruwhois', () => {
  it('answers every address once, with its route, prefix and AS name', async () => {
    const addresses = Object.keys(CYMRU_EXPECTED);
    const { stdout, stderr } = await run(PYTHON, ['-c', CYMRU_SCRIPT, String(server.whoisPort), ...addresses], { timeout: 20_000 });
    expect(stderr).toBe('');
    const rows = stdout.trim().split('\n').map((l) => l.split('|'));
    expect(rows.map((r) => r[0]).sort()).toEqual([...addresses].sort());
    for (const [ip, ...fields] of rows) expect(fields, ip).toEqual(CYMRU_EXPECTED[ip!]);
  });

  it('skips the error line of a zoneless time (with its reason) and stays in step', async () => {
    // No `tz` line: the time is refused, not read as GMT; the client counts the error line.
    const { stdout, stderr } = await run(PYTHON, ['-c', CYMRU_SCRIPT, String(server.whoisPort), '198.51.100.70 2026-01-01 06:30:00', '198.51.100.41'], {
      timeout: 20_000,
    });
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toEqual([['198.51.100.41', ...CYMRU_EXPECTED['198.51.100.41']!].join('|')]);
  });
});
