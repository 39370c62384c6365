// GET /me over HTTP (issue 14, item 7): a member key's report on the sample registry, now and
// `?at=` either side of its 2026-01-01 snapshot; its members-list row, AS numbers, routes and
// reverse zones; `?format=csv`; who may not have it; and a member of 10,700 customer networks,
// whose answer stays a few megabytes, says where it was cut, and keeps its space figures exact.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { AuditLog } from '../../src/access/audit.js';
import { KeyStore } from '../../src/access/keys.js';
import { buildApp } from '../../src/http/app.js';
import { LookupService } from '../../src/query/service.js';
import { openStateDb } from '../../src/store/state-db.js';
import { workerPoolRunner } from '../../src/offload/runner.js';
import { expectValidRdap } from '../helpers/rdap-schema.js';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';
import { importText, quietLog, tempRegistry, testConfig } from '../helpers/registry.js';

type Json = Record<string, any>;

const OWN_ORG = 'ORG-CJN1-IDNIC';

/** Every network of a JSON tree, depth first, as `depth netname`. */
function outline(node: Json, depth = 0): string[] {
  return [`${depth} ${node.netname}`, ...(node.children as Json[]).flatMap((c) => outline(c, depth + 1))];
}

function findNetwork(nodes: readonly Json[], netname: string): Json | undefined {
  for (const n of nodes) {
    if (n.netname === netname) return n;
    const inside = findNetwork(n.children as Json[], netname);
    if (inside) return inside;
  }
  return undefined;
}

describe('GET /me on the sample registry', () => {
  let s: SampleApp;
  let token: string;

  beforeAll(async () => {
    s = await sampleApp();
    token = s.keys.add({ role: 'member', label: 'me test', org: OWN_ORG, now: Date.now() }).token;
  });
  afterAll(async () => s?.close());

  async function get(url: string, headers: Record<string, string> = {}, bearer = token) {
    const r = await s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}`, ...headers } });
    return { status: r.statusCode, headers: r.headers, raw: r.body, json: () => JSON.parse(r.body) as Json };
  }

  it("nests the member's customers as the registry has them, three deep, with used and free space", async () => {
    const r = await get('/me');
    expect(r.status).toBe(200);
    const body = r.json();
    const allocation = (body.networks as Json[]).find((n) => n.network === '198.51.100.0 - 198.51.100.95')!;
    expect(outline(allocation)).toEqual(['0 CONTOHNET-ID', '1 GRAHADATA-ID', '2 SOLUSIWEB-ID', '3 KSP-CONTOHMAKMUR-ID', '1 MBAGRINDO-ID']);
    // An allocation on no CIDR boundary: 96 addresses, as two prefixes.
    expect(allocation.prefixes).toEqual(['198.51.100.0/26', '198.51.100.64/27']);
    // .16-.63 (.32-.47 and .40-.43 inside it count once) and .64-.79.
    expect(allocation.space).toEqual({ unit: 'address', total: 96, used: 64, free: 32, usedPercent: 66.6666 });
    // The holder with no organisation is named by its first descr, and says so.
    expect(findNetwork([allocation], 'KSP-CONTOHMAKMUR-ID')!.holder).toEqual({ name: 'Koperasi Simpan Pinjam Contoh Makmur', from: 'descr' });
    const v6 = (body.networks as Json[]).find((n) => n.network === '2001:db8:100::/40')!;
    expect(v6.space).toEqual({ unit: '/64', total: 16_777_216, used: 256, free: 16_776_960, usedPercent: 0.0015 });
  });

  it('includes its row of the members list: member id and the legal-request desk the police are given', async () => {
    const body = (await get('/me')).json();
    expect(body.member).toEqual({
      memberId: 'IDNIC-0117',
      orgName: 'PT Contoh Jaringan Nusantara',
      opaqueId: null,
      country: 'ID',
      resources: ['198.51.100.0 - 198.51.100.95', '2001:db8:100::/40', 'AS64497'],
      legalContact: { name: 'Meja Permintaan Hukum (Legal Request Desk)', email: 'legal@contohnet.example.id', phone: '+62 21 55502150' },
      abuseMailbox: 'abuse@contohnet.example.id',
      source: 'MEMBERS',
    });
  });

  it('lists its AS number once, its routes and its reverse zones', async () => {
    const body = (await get('/me')).json();
    expect(body.autnums).toEqual([{ asn: 'AS64497', name: 'CONTOHNET-AS-ID', sources: ['IDNIC'], inMembersList: true }]);
    expect((body.routes as Json[]).map((r) => `${r.route} ${r.origin}`)).toEqual(['198.51.100.0/26 AS64497', '198.51.100.64/27 AS64497', '2001:db8:100::/40 AS64497']);
    expect((body.reverseZones as Json[]).map((z) => `${z.domain} ${z.relation}`)).toEqual(['100.51.198.in-addr.arpa covering', '1.0.8.b.d.0.1.0.0.2.ip6.arpa inside']);
    expect(body.truncated).toBe(false);
  });

  it('answers ?at= as the registry stood then: PT Sinar Logistik Contoh before 2026-01-01, PT Maju Bersama Agrindo after', async () => {
    const holderOf64 = (body: Json) => {
      const allocation = (body.networks as Json[]).find((n) => n.network === '198.51.100.0 - 198.51.100.95')!;
      return (allocation.children as Json[]).find((c) => c.network === '198.51.100.64 - 198.51.100.79')!;
    };
    const before = (await get('/me?at=2025-12-01T00:00:00Z')).json();
    expect(holderOf64(before)).toMatchObject({ netname: 'SINARLOG-ID', org: 'ORG-SLC1-IDNIC', holder: { name: 'PT Sinar Logistik Contoh', from: 'org-name' }, until: '2026-01-01T00:00:00Z' });
    expect(before.asOf.instant).toBe('2025-12-01T00:00:00Z');
    expect(before.asOf.requested).toBe(true);
    expect(before.asOf.snapshots.find((x: Json) => x.source === 'IDNIC')).toMatchObject({ snapshot: '2025-06-01T00:00:00Z', next: '2026-01-01T00:00:00Z' });

    const after = (await get('/me?at=2026-01-02T00:00:00Z')).json();
    expect(holderOf64(after)).toMatchObject({ netname: 'MBAGRINDO-ID', org: 'ORG-MBA1-IDNIC', holder: { name: 'PT Maju Bersama Agrindo', from: 'org-name' } });
    expect(holderOf64(after).until).toBeUndefined();
    // Now is the same as after.
    expect(holderOf64((await get('/me')).json()).netname).toBe('MBAGRINDO-ID');
  });

  it('reads a zoneless time in the zone named by tz, WIB included', async () => {
    const wib = (await get('/me?at=2025-12-01T07:00:00&tz=WIB')).json();
    expect(wib.asOf.instant).toBe('2025-12-01T00:00:00Z');
    const zoneless = await get('/me?at=2025-12-01T07:00:00');
    expect(zoneless.status).toBe(400);
    expectValidRdap(zoneless.json(), 'error');
  });

  it('refuses a time before the data with 400 saying so, never an empty report', async () => {
    const r = await get('/me?at=2024-01-01T00:00:00Z');
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/rdap\+json/);
    expectValidRdap(r.json(), 'error');
    expect(r.json().description.join(' ')).toMatch(/no data for \S+ before 2025-06-01T00:00:00Z/);
    // In Indonesian when asked for.
    expect((await get('/me?at=2024-01-01T00:00:00Z', { 'accept-language': 'id' })).json().description.join(' ')).toMatch(/tidak ada data/);
  });

  it('answers ?format=csv with one row per network, its depth and parent', async () => {
    const r = await get('/me?format=csv&at=2025-12-01T00:00:00Z');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="lacak-me-${OWN_ORG}.csv"`);
    const rows = parseCsv(r.raw, { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => `${x.depth} ${x.netname} < ${x.parent}`)).toEqual([
      '0 CONTOHNET-ID < ',
      '1 GRAHADATA-ID < 198.51.100.0 - 198.51.100.95',
      '2 SOLUSIWEB-ID < 198.51.100.16 - 198.51.100.63',
      '3 KSP-CONTOHMAKMUR-ID < 198.51.100.32 - 198.51.100.47',
      '1 SINARLOG-ID < 198.51.100.0 - 198.51.100.95',
      '0 CONTOHNET-V6-ID < ',
      '1 GRAHADATA-V6-ID < 2001:db8:100::/40',
    ]);
    expect(rows[0]).toMatchObject({ instant: '2025-12-01T00:00:00Z', top_network: '198.51.100.0 - 198.51.100.95', space_unit: 'address', space_total: '96', space_used: '64', space_free: '32' });
    expect(rows[4]).toMatchObject({ holder: 'PT Sinar Logistik Contoh', until: '2026-01-01T00:00:00Z' });
  });

  it('refuses an unknown format with 400 naming the parameter; JSON stays the default', async () => {
    const r = await get('/me?format=xml');
    expect(r.status).toBe(400);
    expect(r.json().description.join(' ')).toContain('format');
    expect((await get('/me?format=json')).headers['content-type']).toMatch(/^application\/json/);
  });

  it('is for members only: a key naming an organisation that is no member is refused', async () => {
    // Made through the key store, as a key made before `lacak keys add` checked --org was.
    const university = s.keys.add({ role: 'member', label: 'not a member', org: 'ORG-UCN1-IDNIC', now: Date.now() }).token;
    const r = await get('/me', {}, university);
    expect(r.status).toBe(403);
    expectValidRdap(r.json(), 'error');
    expect(r.raw).not.toContain('198.51.100.96');
  });
});

// ---- a large member ------------------------------------------------------------------------

const SUB_ALLOCATIONS = 100;
const PER_SUB_ALLOCATION = 106;

/**
 * A member with a /40 holding 100 sub-allocations (/48), each with 106 customer /56s: 10,700
 * networks inside, 700 more than a report lists. One customer is named to run a formula in a
 * spreadsheet.
 */
function largeMemberRpsl(): string {
  const inet6 = (prefix: string, netname: string, status: string, extra: string[] = []) =>
    [`inet6num: ${prefix}`, `netname: ${netname}`, 'country: ID', 'admin-c: BIG1-IDNIC', 'tech-c: BIG1-IDNIC', `status: ${status}`, ...extra, 'mnt-by: MAINT-BIG', 'source: IDNIC'].join('\n');
  const objects = [
    'role: Big NOC\nnic-hdl: BIG1-IDNIC\nabuse-mailbox: abuse@big.example.id\nmnt-by: MAINT-BIG\nsource: IDNIC',
    'organisation: ORG-BIG1-IDNIC\norg-name: PT Besar Sekali\norg-type: LIR\nmnt-ref: MAINT-NIR\nmnt-by: MAINT-NIR\nsource: IDNIC',
    inet6('2001:db8:c00::/40', 'BIG-V6', 'ALLOCATED PORTABLE', ['org: ORG-BIG1-IDNIC', 'abuse-c: BIG1-IDNIC']),
  ];
  for (let a = 0; a < SUB_ALLOCATIONS; a++) {
    const p48 = `2001:db8:c${a.toString(16).padStart(2, '0')}`;
    objects.push(inet6(`${p48}::/48`, `DOWN-${a}`, 'ALLOCATED NON-PORTABLE'));
    for (let c = 0; c < PER_SUB_ALLOCATION; c++) {
      const descr = a === 0 && c === 0 ? ['descr: =HYPERLINK("http://attacker.example/x","klik")'] : [`descr: Pelanggan ${a}-${c}`];
      objects.push(inet6(`${p48}:${(c * 256).toString(16)}::/56`, `CUST-${a}-${c}`, 'ASSIGNED NON-PORTABLE', descr));
    }
  }
  return `${objects.join('\n\n')}\n`;
}

describe('GET /me for a member with more customer networks than a report lists', () => {
  const reg = tempRegistry();
  const state = openStateDb(':memory:');
  let app: ReturnType<typeof buildApp>;
  let keys: KeyStore;
  let token: string;

  beforeAll(async () => {
    await importText(reg.db, reg.dir, largeMemberRpsl(), '2026-01-01T00:00:00Z', { strict: true });
    const config = testConfig(reg.path, { LACAK_RATE_EXEMPT: '127.0.0.0/8' });
    keys = new KeyStore(state);
    app = buildApp({ config, service: new LookupService(reg.db, config, quietLog), logger: quietLog, keys, audit: new AuditLog(state, randomBytes(32)) });
    await app.ready();
    token = keys.add({ role: 'member', label: 'big', org: 'ORG-BIG1-IDNIC', now: Date.now() }).token;
  });
  afterAll(async () => {
    await app?.close();
    state.close();
    reg.cleanup();
  });

  const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('stays within a few MB, cuts the most specific networks first and says so; space counts every network', async () => {
    const r = await get('/me');
    expect(r.statusCode).toBe(200);
    expect(Buffer.byteLength(r.body)).toBeLessThan(4_000_000);
    const body = JSON.parse(r.body) as Json;
    expect(body.truncated).toBe(true);
    expect(body.notes.join(' ')).toMatch(/customer networks cut at 10000/);
    const [allocation] = body.networks as Json[];
    const listed = outline(allocation!).slice(1);
    expect(listed).toHaveLength(10_000);
    // Widest first: every sub-allocation is listed, and every customer listed sits under one.
    expect(listed.filter((x) => x.startsWith('1 '))).toHaveLength(SUB_ALLOCATIONS);
    expect(listed.every((x) => /^1 DOWN-|^2 CUST-/.test(x))).toBe(true);
    // The space figures come from all 10,700 networks, not the 10,000 listed.
    expect(allocation!.space).toMatchObject({ unit: '/64', total: 2 ** 24, used: SUB_ALLOCATIONS * 65_536 });
    for (const down of allocation!.children as Json[]) expect(down.space).toMatchObject({ total: 65_536, used: PER_SUB_ALLOCATION * 256 });
  });

  it('cuts the CSV alike, rows after the networks saying so, and writes a formula-like cell as text', async () => {
    const r = await get('/me?format=csv');
    expect(r.statusCode).toBe(200);
    expect(Buffer.byteLength(r.body)).toBeLessThan(4_000_000);
    const rows = parseCsv(r.body, { columns: true }) as Record<string, string>[];
    expect(rows.filter((x) => x.network !== '')).toHaveLength(10_001);
    // After the networks, rows with only a note: what was cut.
    const notes = rows.slice(10_001);
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((x) => x.network === '' && x.depth === '' && x.note !== '')).toBe(true);
    expect(notes[0]!.note).toMatch(/customer networks cut at 10000/);
    const formula = rows.find((x) => x.netname === 'CUST-0-0');
    expect(formula?.holder).toBe(`'=HYPERLINK("http://attacker.example/x","klik")`);
  });

  it('is answered in a worker thread: the same answer, and the event loop keeps turning', async () => {
    const pool = workerPoolRunner(testConfig(reg.path), 1, new URL('../../dist/src/offload/heavy-worker.js', import.meta.url));
    const config = testConfig(reg.path, { LACAK_RATE_EXEMPT: '127.0.0.0/8' });
    const pooled = buildApp({ config, service: new LookupService(reg.db, config, quietLog), logger: quietLog, keys, audit: new AuditLog(state, randomBytes(32)), heavy: pool });
    await pooled.ready();
    try {
      const headers = { authorization: `Bearer ${token}` };
      const [inThread, fromPool] = await Promise.all([get('/me?format=csv'), pooled.inject({ method: 'GET', url: '/me?format=csv', headers })]);
      expect(fromPool.statusCode).toBe(200);
      // The instant column is "now" for each; the rest is the same.
      const strip = (csv: string) => csv.replace(/^[^,\n]*,/gm, '');
      expect(strip(fromPool.body)).toEqual(strip(inThread.body));
      let last = performance.now();
      let worst = 0;
      const tick = setInterval(() => {
        worst = Math.max(worst, performance.now() - last);
        last = performance.now();
      }, 2);
      await Promise.all([1, 2].map(() => pooled.inject({ method: 'GET', url: '/me', headers })));
      clearInterval(tick);
      // In the thread each report holds the loop for several hundred ms.
      expect(worst).toBeLessThan(150);
    } finally {
      await pooled.close();
      await pool.close();
    }
  });
});
