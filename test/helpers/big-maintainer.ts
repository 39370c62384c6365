// A crafted registry whose answers are large (issue 13): one maintainer and one organisation
// of `networks` IPv6 networks in documentation space, each padded with remarks, so that
// `-i mnt-by MAINT-BIG` (WHOIS, at most 1,000 objects) is about 2 MB, and a page of the reverse
// search of ORG-BIG1-IDNIC (RDAP, the server's 50 results: RFC 8977) about 200 KB.
import { importText, tempRegistry } from './registry.js';

export const BIG_MAINTAINER = 'MAINT-BIG';
export const BIG_ORGANISATION = 'ORG-BIG1-IDNIC';

function bigMaintainerRpsl(networks: number): string {
  const objects = [
    ['mntner:         MAINT-BIG', 'descr:          A maintainer of many networks', 'admin-c:        BIG1-IDNIC', 'tech-c:         BIG1-IDNIC', 'auth:           CRYPT-PW dummyhash', 'mnt-by:         MAINT-BIG', 'source:         IDNIC'],
    ['role:           Big NOC', 'nic-hdl:        BIG1-IDNIC', 'address:        Jakarta', 'e-mail:         noc@big.example.id', 'abuse-mailbox:  abuse@big.example.id', 'admin-c:        BIG1-IDNIC', 'tech-c:         BIG1-IDNIC', 'mnt-by:         MAINT-BIG', 'source:         IDNIC'],
    ['organisation:   ORG-BIG1-IDNIC', 'org-name:       PT Besar Sekali', 'org-type:       LIR', 'country:        ID', 'address:        Jakarta', 'e-mail:         ip@big.example.id', 'abuse-c:        BIG1-IDNIC', 'mnt-ref:        MAINT-BIG', 'mnt-by:         MAINT-BIG', 'source:         IDNIC'],
  ];
  for (let i = 0; i < networks; i++) {
    const lines = [
      `inet6num:       2001:db8:${(0x1000 + i).toString(16)}::/48`,
      `netname:        BIG-${i}`,
      'descr:          PT Besar Sekali',
      'country:        ID',
      'org:            ORG-BIG1-IDNIC',
      'admin-c:        BIG1-IDNIC',
      'tech-c:         BIG1-IDNIC',
      'abuse-c:        BIG1-IDNIC',
      'status:         ASSIGNED PORTABLE',
    ];
    for (let r = 0; r < 15; r++) lines.push(`remarks:        padding line ${r}, so that every answer about this maintainer is large`);
    lines.push('mnt-by:         MAINT-BIG', 'created:        2020-01-01T00:00:00Z', 'last-modified:  2020-01-01T00:00:00Z', 'source:         IDNIC');
    objects.push(lines);
  }
  return `${objects.map((o) => o.join('\n')).join('\n\n')}\n`;
}

/** The registry in a temporary file (closed, ready for a server to open); `cleanup` removes it. */
export async function bigMaintainerRegistry(networks = 1000): Promise<{ path: string; cleanup: () => void }> {
  const registry = tempRegistry();
  await importText(registry.db, registry.dir, bigMaintainerRpsl(networks), '2026-01-01T00:00:00Z');
  registry.db.close();
  return { path: registry.path, cleanup: registry.cleanup };
}
