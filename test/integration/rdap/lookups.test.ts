// RDAP lookups on the sample registry through app.inject(): what an RDAP client sees.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from '../../helpers/registry.js';
import { sampleApp, type SampleApp } from '../../helpers/sample-app.js';

type Json = Record<string, any>;

let s: SampleApp;
beforeAll(async () => {
  s = await sampleApp();
});
afterAll(async () => s?.close());

async function get(url: string, headers: Record<string, string> = {}) {
  const r = await s.app.inject({ url, headers });
  return { status: r.statusCode, headers: r.headers, body: r.body ? (JSON.parse(r.body) as Json) : null, raw: r.body };
}

function entity(body: Json, role: string): Json | undefined {
  return (body.entities as Json[]).find((e) => (e.roles as string[]).includes(role));
}

function vcardValues(e: Json, property: string): unknown[] {
  return (e.vcardArray[1] as unknown[][]).filter((p) => p[0] === property).map((p) => p[3]);
}

describe('/ip', () => {
  it('answers the holder of an address with its member, contacts and provenance', async () => {
    const r = await get('/ip/198.51.100.41');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/rdap\+json/);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    const b = r.body!;
    expect(b).toMatchObject({
      objectClassName: 'ip network',
      handle: '198.51.100.40 - 198.51.100.43',
      startAddress: '198.51.100.40',
      endAddress: '198.51.100.43',
      ipVersion: 'v4',
      name: 'KSP-CONTOHMAKMUR-ID',
      type: 'ASSIGNED NON-PORTABLE',
      country: 'ID',
      parentHandle: '198.51.100.32 - 198.51.100.47',
      port43: 'whois.lacak.example',
      lang: 'en',
    });
    expect(b.rdapConformance).toContain('rdap_level_0');
    expect(vcardValues(entity(b, 'abuse')!, 'email')).toEqual(['abuse@solusiweb.example.com']);
    const remarks = (b.remarks as Json[]).map((x) => `${x.title}: ${(x.description as string[]).join(' ')}`).join('\n');
    expect(remarks).toContain('PT Contoh Jaringan Nusantara (allocation 198.51.100.0 - 198.51.100.95)');
    expect(remarks).toContain('inherited from 198.51.100.32 - 198.51.100.47');
    const source = (b.notices as Json[]).find((n) => n.title === 'Source')!;
    expect(source.description.join('\n')).toMatch(/IDNIC: snapshot 2026-01-01T00:00:00Z \(import 4\); next snapshot: none/);
    // Registration comes from created:, never from the import.
    expect(b.events).toContainEqual({ eventAction: 'registration', eventDate: '2021-09-30T05:06:27Z' });
    expect(b.links[0]).toMatchObject({ rel: 'self', type: 'application/rdap+json', href: 'https://rdap.lacak.example/ip/198.51.100.40/30' });
    expect(b.links[1]).toMatchObject({ rel: 'up', href: 'https://rdap.lacak.example/ip/198.51.100.32/28' });
  });

  it('answers address:port for the address and names the legal-request desk for CGNAT questions', async () => {
    const plain = (await get('/ip/198.51.100.41')).body!;
    const withPort = (await get('/ip/198.51.100.41:51234')).body!;
    expect(withPort.handle).toBe(plain.handle);
    const port = (withPort.remarks as Json[]).find((x) => x.title === 'Port-level attribution')!;
    expect(port.description.join(' ')).toMatch(/Port 51234.*legal@contohnet\.example\.id/s);
    const v6 = await get('/ip/[2001:db8:110:2a00::25]:443');
    expect(v6.status).toBe(200);
    expect(v6.body!.handle).toBe('2001:db8:110:2a00::/56');
  });

  it('lists every CIDR of a range that is not CIDR-aligned (cidr0)', async () => {
    const b = (await get('/ip/198.51.100.90')).body!;
    expect(b.handle).toBe('198.51.100.0 - 198.51.100.95');
    expect(b.rdapConformance).toContain('cidr0');
    expect(b.cidr0_cidrs).toEqual([
      { v4prefix: '198.51.100.0', length: 26 },
      { v4prefix: '198.51.100.64', length: 27 },
    ]);
  });

  it('takes the first country and lists the rest in a remark', async () => {
    const b = (await get('/ip/203.0.113.100')).body!;
    expect(b.country).toBe('ID');
    expect(JSON.stringify(b.remarks)).toContain('Also registered for: SG.');
  });

  it('answers a prefix with the most specific network covering all of it', async () => {
    const b = (await get('/ip/198.51.100.32/28')).body!;
    expect(b.handle).toBe('198.51.100.32 - 198.51.100.47');
    const wide = (await get('/ip/198.51.100.0/24')).body!;
    expect(wide.handle).toBe('198.51.100.0 - 198.51.100.255');
    // APNIC's record of the same range is not its parent.
    expect(wide.parentHandle).toBeUndefined();
    const v6 = await get('/ip/2001:db8:100::/40');
    expect(v6.body!.handle).toBe('2001:db8:100::/40');
  });

  it('answers as the registry stood at a past instant, and says so', async () => {
    const then = (await get('/ip/198.51.100.70?at=2025-09-01T07:00:00%2B07:00')).body!;
    const now = (await get('/ip/198.51.100.70')).body!;
    expect(then.name).toBe('SINARLOG-ID');
    expect(now.name).toBe('MBAGRINDO-ID');
    const source = (then.notices as Json[]).find((n) => n.title === 'Source')!.description.join('\n');
    expect(source).toContain('2025-09-01T00:00:00Z (requested instant, UTC)');
    expect(source).toContain('IDNIC: snapshot 2025-06-01T00:00:00Z (import 1); next snapshot: 2026-01-01T00:00:00Z');
    const zoneless = await get('/ip/198.51.100.70?at=2025-09-01T07:00:00&tz=Asia/Jakarta');
    expect(zoneless.body!.name).toBe('SINARLOG-ID');
  });

  it('refuses a time before the first snapshot and a time without a zone, with 400', async () => {
    const before = await get('/ip/198.51.100.70?at=2020-01-01T00:00:00Z');
    expect(before.status).toBe(400);
    expect(before.body).toMatchObject({ errorCode: 400, description: ['no data for IDNIC before 2025-06-01T00:00:00Z'] });
    const zoneless = await get('/ip/198.51.100.70?at=2025-09-01T07:00:00');
    expect(zoneless.status).toBe(400);
    expect(zoneless.body!.description[0]).toMatch(/has no zone/);
  });

  it('explains special-purpose and unassigned space in its 404s', async () => {
    const special = await get('/ip/100.64.1.1');
    expect(special.status).toBe(404);
    expect(special.body!.description[0]).toContain('100.64.0.0/10 is special-purpose address space (Shared address space (carrier-grade NAT), RFC 6598)');
    expect(special.headers['content-type']).toMatch(/^application\/rdap\+json/);
  });

  it('refers space of another registry to its RDAP server, but never for a point-in-time query', async () => {
    const r = await s.app.inject({ url: '/ip/8.8.8.8' });
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toMatch(/^https:\/\/rdap\.arin\.net\/registry\/ip\/8\.8\.8\.8$/);
    const at = await get('/ip/8.8.8.8?at=2026-01-01T00:00:00Z');
    expect(at.status).toBe(404);
    const asn = await s.app.inject({ url: '/autnum/3333' });
    expect(asn.statusCode).toBe(301);
    expect(asn.headers.location).toMatch(/ripe\.net.*autnum\/3333$/);
  });

  it('rejects malformed addresses and prefixes with 400 and an RDAP error body', async () => {
    for (const url of ['/ip/198.51.100.300', '/ip/198.51.100.0/33', '/ip/2001:db8::/129', '/ip/198.51.100.1/24', '/ip/abc', '/ip/1.2.3.4:99999']) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.body, url).toMatchObject({ errorCode: 400, title: 'Bad Request' });
      expect(r.raw).not.toMatch(/\n\s+at /);
    }
  });

  it('accepts the paths real clients send: raw colons, percent-encoding, doubled slashes', async () => {
    expect((await get('/ip/2001:db8:110:2a00::25')).status).toBe(200);
    expect((await get('/ip/2001%3Adb8%3A110%3A2a00%3A%3A25')).status).toBe(200);
    expect((await get('//ip/198.51.100.41')).status).toBe(200);
    expect((await get('/ip/198.51.100.41', { accept: 'application/json, application/rdap+json' })).status).toBe(200);
  });

  it('gives the responsible member as a sponsor entity: its legal-request desk, and its own abuse contact inside', async () => {
    const b = (await get('/ip/198.51.100.41')).body!;
    const sponsor = entity(b, 'sponsor')!;
    expect(sponsor.handle).toBe('ORG-CJN1-IDNIC');
    expect(vcardValues(sponsor, 'fn')).toEqual(['PT Contoh Jaringan Nusantara']);
    expect(vcardValues(sponsor, 'email')).toContain('legal@contohnet.example.id');
    expect(vcardValues(sponsor, 'tel')).toContain('tel:+622155502150');
    expect(vcardValues(sponsor, 'note').join(' ')).toContain('Meja Permintaan Hukum');
    // The member's abuse contact by the network rule, from its allocation up.
    const memberAbuse = (sponsor.entities as Json[]).find((e) => (e.roles as string[]).includes('abuse'))!;
    expect(memberAbuse.handle).toBe('CA1-IDNIC');
    expect(vcardValues(memberAbuse, 'email')).toEqual(['abuse@contohnet.example.id']);
    // The member allocation itself: registrant and sponsor are one entity with both roles.
    const own = (await get('/ip/198.51.100.90')).body!;
    expect((own.entities as Json[]).filter((e) => e.handle === 'ORG-CJN1-IDNIC').map((e) => e.roles)).toEqual([['registrant', 'sponsor']]);
    // No member, no sponsor.
    expect(entity((await get('/ip/198.51.100.100')).body!, 'sponsor')).toBeUndefined();
  });

  it('gives every link the answer\'s own URL as its context (RFC 9083 §4.2), the target in href', async () => {
    const b = (await get('/ip/198.51.100.41?at=2026-06-01T00:00:00Z')).body!;
    const context = 'https://rdap.lacak.example/ip/198.51.100.41?at=2026-06-01T00:00:00Z';
    const links = [...(b.links as Json[]), ...(b.entities as Json[]).flatMap((e) => e.links as Json[]), ...(b.notices as Json[]).flatMap((n) => (n.links ?? []) as Json[])];
    expect(links.length).toBeGreaterThan(8);
    for (const l of links) expect(l.value).toBe(context);
    expect(b.links[0].href).toBe('https://rdap.lacak.example/ip/198.51.100.40/30');
  });

  it('labels another registry\'s space, links to its answer, and redirects another account\'s space now only', async () => {
    const b = (await get('/ip/192.0.2.70')).body!;
    const authority = (b.remarks as Json[]).find((x) => x.title === 'Authority')!;
    expect(authority.description).toEqual(["Registered with APNIC, not managed by IDNIC: APNIC's server is authoritative."]);
    expect((b.links as Json[]).find((l) => l.rel === 'related')).toMatchObject({ href: 'https://rdap.apnic.net/ip/192.0.2.70', type: 'application/rdap+json' });
    expect(entity(b, 'sponsor')).toBeUndefined();
    expect(JSON.stringify(b)).not.toMatch(/IDNIC, not (assigned|allocated)|held by IDNIC/i);
    const now = await s.app.inject({ url: '/ip/192.0.2.200' });
    expect(now.statusCode).toBe(301);
    expect(now.headers.location).toBe('https://rdap.apnic.net/ip/192.0.2.200');
    const then = (await get('/ip/192.0.2.200?at=2025-09-01T00:00:00Z')).body!;
    expect((then.remarks as Json[]).find((x) => x.title === 'Authority')!.description[0]).toBe("Registered with APNIC (account A91F3C07), not managed by IDNIC: APNIC's server is authoritative.");
    // An account id is no organisation: no registrant entity points at it.
    expect(entity(then, 'registrant')).toBeUndefined();
  });

  it('says when the time asked lies between snapshots that answer differently, with the verdict', async () => {
    const b = (await get('/ip/198.51.100.70?at=2025-11-15T10:00:00&tz=WIB')).body!;
    expect(b.handle).toBe('198.51.100.64 - 198.51.100.79');
    const notice = (b.notices as Json[]).find((n) => n.title === 'Change between snapshots')!;
    expect(notice.description).toContain('As of 2026-01-01T00:00:00Z: PT Maju Bersama Agrindo (198.51.100.64 - 198.51.100.79).');
    expect(notice.description.at(-1)).toMatch(/^Verdict: changed before 2025-11-15T03:00:00Z \(created 2025-10-14T03:12:45Z of 198\.51\.100\.64 - 198\.51\.100\.79\)/);
    // In Bahasa Indonesia the title stays; the words follow the language.
    const id = (await get('/ip/198.51.100.70?at=2025-11-15T10:00:00&tz=WIB', { 'accept-language': 'id' })).body!;
    expect((id.notices as Json[]).find((n) => n.title === 'Change between snapshots')!.description.at(-1)).toMatch(/^Kesimpulan: berubah sebelum/);
    // Nothing later differs: no notice.
    expect(((await get('/ip/198.51.100.41?at=2025-11-15T10:00:00&tz=WIB')).body!.notices as Json[]).map((n) => n.title)).not.toContain('Change between snapshots');
  });

  it('answers HEAD like GET without a body', async () => {
    const r = await s.app.inject({ method: 'HEAD', url: '/ip/198.51.100.41' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/rdap\+json/);
    expect(r.body).toBe('');
  });
});

describe('privacy of anonymous answers (DESIGN §5)', () => {
  const idnic = readFileSync(join(SAMPLE_DIR, '2026-01-01', 'idnic.db'), 'utf8');
  const personalValues = [...idnic.matchAll(/^(?:person|phone|e-mail|fax-no):\s+(.+)$/gm)]
    .filter((m) => idnic.lastIndexOf('\nperson:', m.index) > idnic.lastIndexOf('\n\n', m.index) || m[0].startsWith('person:'))
    .map((m) => m[1]!.trim());

  it('withholds person names, phones and e-mails and declares it with RFC 9537 redacted', async () => {
    const b = (await get('/ip/198.51.100.41')).body!;
    const admin = entity(b, 'administrative')!;
    expect(admin.handle).toBe('CAP1-IDNIC');
    expect(vcardValues(admin, 'fn')).toEqual(['']);
    expect(vcardValues(admin, 'tel')).toEqual([]);
    expect(b.rdapConformance).toContain('redacted');
    expect(b.redacted).toContainEqual(expect.objectContaining({ method: 'emptyValue', name: { description: 'Person name' } }));
    const raw = JSON.stringify(b);
    expect(personalValues.length).toBeGreaterThan(5);
    for (const value of personalValues) expect(raw).not.toContain(value);
  });

  it('never shows auth: or notification e-mails, and keeps organisations and abuse contacts public', async () => {
    const bodies = await Promise.all(
      ['/ip/203.0.113.100', '/entity/MAINT-IDNIC', '/entity/MAINT-ID-CONTOHNET', '/entity/IRT-KABELLAUT-ID', '/entity/ORG-KLN1-IDNIC', '/entity/RKS1-IDNIC', '/autnum/64497', '/ip/198.51.100.20'].map((u) => get(u)),
    );
    for (const r of bodies) {
      expect(r.status).toBe(200);
      expect(r.raw).not.toContain('dummyhash');
      // Used only in mnt-nfy: and notify: lines of the sample.
      expect(r.raw).not.toContain('noc-notify@contohnet.example.id');
      expect(r.raw).not.toContain('hostmaster-notify@idnic.example.id');
    }
    const org = bodies[4]!.body!;
    expect(vcardValues(org, 'fn')).toEqual(['PT Kabel Laut Nusantara']);
    const person = bodies[5]!.body!;
    expect(person.objectClassName).toBe('entity');
    expect(JSON.stringify(person)).not.toContain('Ratna');
    expect(JSON.stringify(person)).not.toContain('55501010');
  });
});

describe('/autnum, /entity, /domain, /help, /nameserver', () => {
  it('answers an AS inside an as-block or a delegated range', async () => {
    expect((await get('/autnum/64497')).body).toMatchObject({ objectClassName: 'autnum', handle: 'AS64497', startAutnum: 64497, endAutnum: 64497 });
    expect((await get('/autnum/64501')).body).toMatchObject({ handle: 'AS64496 - AS64503', startAutnum: 64496, endAutnum: 64503 });
    expect((await get('/autnum/AS64497')).status).toBe(400);
    expect((await get('/autnum/99999999999')).status).toBe(400);
  });

  it('finds entities case-insensitively', async () => {
    const r = await get('/entity/org-cjn1-idnic');
    expect(r.body).toMatchObject({ objectClassName: 'entity', handle: 'ORG-CJN1-IDNIC' });
    expect((await get('/entity/NOPE-IDNIC')).status).toBe(404);
  });

  it('answers reverse domains, redirects those of another registry\'s space, and refuses forward ones', async () => {
    const r = await get('/domain/100.51.198.in-addr.arpa');
    expect(r.body).toMatchObject({ objectClassName: 'domain', ldhName: '100.51.198.in-addr.arpa' });
    expect((await get('/domain/example.com')).status).toBe(400);
    const foreign = await s.app.inject({ url: '/domain/8.8.8.in-addr.arpa' });
    expect(foreign.statusCode).toBe(301);
    expect(foreign.headers.location).toBe('https://rdap.arin.net/registry/domain/8.8.8.in-addr.arpa');
    // This registry's space with no such zone: a 404, not a redirect; a past time is never redirected.
    expect((await get('/domain/0.0.0.f.8.b.d.0.1.0.0.2.ip6.arpa')).status).toBe(404);
    expect((await get('/domain/8.8.8.in-addr.arpa?at=2025-09-01T00:00:00Z')).status).toBe(404);
  });

  it('serves help and refuses nameserver lookups with 501', async () => {
    expect((await get('/help')).body!.notices.length).toBeGreaterThan(1);
    expect((await get('/nameserver/ns1.example.id')).status).toBe(501);
    expect((await get('/no/such/path')).status).toBe(404);
  });

  it('speaks Bahasa Indonesia when asked', async () => {
    const b = (await get('/ip/198.51.100.41', { 'accept-language': 'id-ID,id;q=0.9,en;q=0.5' })).body!;
    expect(b.lang).toBe('id');
    // Titles stay in English for scripts; descriptions follow the language.
    expect(b.notices[0].title).toBe('Terms of Use');
    expect(b.notices[0].description[0]).toContain('layanan data registrasi');
    const e = (await get('/ip/10.1.1.1', { 'accept-language': 'id' })).body!;
    expect(e.title).toBe('Not Found');
    expect(e.description[0]).toContain('ruang alamat khusus');
    const bad = (await get('/ip/1.2.3.4.5', { 'accept-language': 'id' })).body!;
    expect(bad).toMatchObject({ errorCode: 400, title: 'Bad Request', description: ['bukan alamat IP: "1.2.3.4.5"'] });
  });
});
