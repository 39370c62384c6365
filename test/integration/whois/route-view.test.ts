// WHOIS shows the routing view (issue 14): an address or prefix query is answered with the
// network and then the route/route6 objects of the most specific covering prefix, each in its
// own `% Information related to '<prefix><origin>'` group, as RIPE's and APNIC's servers do.
// The cases the sample registry lacks: one prefix announced by two ASes, the same route in two
// sources, a less specific route that must not show, a route that refers to an organisation,
// a route with no network of exactly its prefix, and a route withdrawn between snapshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookupService } from '../../../src/query/service.js';
import { originRoute } from '../../../src/query/routing.js';
import { WhoisHandler } from '../../../src/whois/handler.js';
import { importText, quietLog, tempRegistry, testConfig } from '../../helpers/registry.js';

const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-03-01T00:00:00Z';

const NETWORKS = `inetnum:        192.0.2.0 - 192.0.2.255
netname:        CONTOH-ID
descr:          allocation
country:        ID
admin-c:        NOC1-IDNIC
tech-c:         NOC1-IDNIC
status:         ALLOCATED PORTABLE
mnt-by:         MAINT-CONTOH
source:         IDNIC

inetnum:        192.0.2.0 - 192.0.2.63
netname:        PELANGGAN-ID
descr:          a customer
country:        ID
admin-c:        NOC1-IDNIC
tech-c:         NOC1-IDNIC
status:         ASSIGNED NON-PORTABLE
mnt-by:         MAINT-CONTOH
source:         IDNIC

role:           Contoh NOC
nic-hdl:        NOC1-IDNIC
abuse-mailbox:  abuse@contoh.example
mnt-by:         MAINT-CONTOH
source:         IDNIC

organisation:   ORG-TRANSIT1-IDNIC
org-name:       PT Transit Contoh
org-type:       OTHER
mnt-ref:        MAINT-TRANSIT
mnt-by:         MAINT-TRANSIT
source:         IDNIC
`;

const ROUTE_64497 = `route:          192.0.2.0/26
descr:          announced by the customer's ISP
origin:         AS64497
mnt-by:         MAINT-CONTOH
source:         IDNIC
`;

/** The same prefix from a second AS (multi-origin), naming an organisation. */
const ROUTE_64498 = `route:          192.0.2.0/26
descr:          announced by a transit provider too
origin:         AS64498
org:            ORG-TRANSIT1-IDNIC
mnt-by:         MAINT-TRANSIT
source:         IDNIC
`;

/** The aggregate: covers the address too, but less specifically. */
const ROUTE_AGGREGATE = `route:          192.0.2.0/24
descr:          aggregate
origin:         AS64496
mnt-by:         MAINT-CONTOH
source:         IDNIC
`;

/** APNIC's copy of an IDNIC route (shown once, from the earlier source) and a route of its own. */
const APNIC_ROUTES = `route:          192.0.2.0/26
descr:          APNIC's copy
origin:         AS64497
mnt-by:         MAINT-APNIC
source:         APNIC

route:          192.0.2.0/25
descr:          APNIC only
origin:         AS64499
mnt-by:         MAINT-APNIC
source:         APNIC
`;

/** `% Information related to` keys, in order: the groups of an answer. */
const groups = (text: string) => [...text.matchAll(/^% Information related to '([^']+)'$/gm)].map((m) => m[1]);
/** Every object's first line, in order. */
const objects = (text: string) => [...text.matchAll(/^(inetnum|inet6num|route|route6|organisation|role|person):\s+(.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);

describe('WHOIS routing view', () => {
  let reg: ReturnType<typeof tempRegistry>;
  let service: LookupService;
  let handler: WhoisHandler;
  const ask = (query: string) => handler.answer(query).lines.join('\n');

  beforeAll(async () => {
    reg = tempRegistry();
    const first = await importText(reg.db, reg.dir, [NETWORKS, ROUTE_64497, ROUTE_64498, ROUTE_AGGREGATE, APNIC_ROUTES].join('\n'), T1);
    expect(first.rejected).toBe(0);
    // The transit provider withdraws its route: IDNIC's routes are imported again without it.
    const second = await importText(reg.db, reg.dir, [ROUTE_64497, ROUTE_AGGREGATE].join('\n'), T2, { allowMassDelete: true });
    expect(second.rejected).toBe(0);
    service = new LookupService(reg.db, testConfig(reg.path), quietLog);
    handler = new WhoisHandler({ service, server: { host: 'whois.test', registry: 'IDNIC', version: 'test' }, limits: { queriesPerMinute: 600, bulkLines: 100 } });
  });
  afterAll(() => reg?.cleanup());

  it('follows the network with the most specific covering route, as its own group', () => {
    const text = ask('192.0.2.10');
    expect(groups(text)).toEqual(['192.0.2.0 - 192.0.2.63', '192.0.2.0/26AS64497']);
    // The network's contact comes with the network, before the route group.
    expect(objects(text)).toEqual(['inetnum: 192.0.2.0 - 192.0.2.63', 'role: Contoh NOC', 'route: 192.0.2.0/26']);
    // IDNIC's route, not APNIC's copy of it; neither the /24 aggregate nor APNIC's /25.
    expect(text).toContain("descr:          announced by the customer's ISP");
    expect(text).not.toContain("APNIC's copy");
    expect(text).not.toMatch(/^route:\s+192\.0\.2\.0\/(24|25)$/m);
  });

  it('shows every origin of a prefix announced by two ASes, and what each route refers to', () => {
    const text = ask(`--at ${T1} 192.0.2.10`);
    expect(groups(text)).toEqual(['192.0.2.0 - 192.0.2.63', '192.0.2.0/26AS64497', '192.0.2.0/26AS64498']);
    expect(objects(text)).toEqual(['inetnum: 192.0.2.0 - 192.0.2.63', 'role: Contoh NOC', 'route: 192.0.2.0/26', 'route: 192.0.2.0/26', 'organisation: ORG-TRANSIT1-IDNIC']);
    // The first route shown is the one the Cymru bulk answer takes its AS from.
    const answer = service.lookupAddress('192.0.2.10', { at: T1 });
    expect(answer.kind === 'ok' && originRoute(service, answer.value)?.asn).toBe(64497);
  });

  it('keeps the route under -r (an answer to the query, not a referenced object), without what it refers to', () => {
    const text = ask(`-r --at ${T1} 192.0.2.10`);
    expect(objects(text)).toEqual(['inetnum: 192.0.2.0 - 192.0.2.63', 'route: 192.0.2.0/26', 'route: 192.0.2.0/26']);
  });

  it('keeps the meaning of -T (inetnum: no route, route: only routes), -b, -l and -L', () => {
    expect(objects(ask('-r -T inetnum 192.0.2.10'))).toEqual(['inetnum: 192.0.2.0 - 192.0.2.63']);
    const routes = ask('-T route 192.0.2.0/26');
    expect(groups(routes)).toEqual(['192.0.2.0/26AS64497']);
    expect(objects(routes)).toEqual(['route: 192.0.2.0/26']);
    expect(objects(ask('-r -T inetnum,route 192.0.2.10'))).toEqual(['inetnum: 192.0.2.0 - 192.0.2.63', 'route: 192.0.2.0/26']);
    // An IPv4 question has no route6 to show.
    expect(ask('-T route6 192.0.2.10')).toContain('%ERROR:101');
    // The abuse contact alone, and the walks up the network hierarchy: networks only.
    for (const flags of ['-b', '-l -r', '-L -r']) {
      const text = ask(`${flags} 192.0.2.10`);
      expect(objects(text).length, flags).toBeGreaterThan(0);
      expect(objects(text).filter((o) => o.startsWith('route')), flags).toEqual([]);
    }
  });

  it('picks among the routes of the sources asked for with -s', () => {
    const text = ask('-s APNIC -r -T route 192.0.2.10');
    expect(groups(text)).toEqual(['192.0.2.0/26AS64497']);
    expect(text).toContain("descr:          APNIC's copy");
    expect(text).toMatch(/^source:\s+APNIC$/m);
  });

  it('matches routes exactly with -x, also where no network has that prefix', () => {
    expect(objects(ask('-x -r 192.0.2.0/26'))).toEqual(['inetnum: 192.0.2.0 - 192.0.2.63', 'route: 192.0.2.0/26']);
    expect(objects(ask('-x -r 192.0.2.0/25'))).toEqual(['route: 192.0.2.0/25']);
    expect(ask('-x 192.0.2.0/27')).toContain('%ERROR:101');
  });
});
