// AS numbers the product's RFC 9224 bootstrap files do not list (issue 14). The shipped
// asn.json (IANA, 2016) ends at AS397212, so AS400000 — allocated by IANA since — has no
// entry: every front end must say the authority is unknown to this server and point at
// IANA's registries, never "not registered here" as if that settled it, and never refer.
// An AS the files do list (AS3333, RIPE NCC) is another registry's: WHOIS refers there as
// RDAP redirects (DESIGN §2), instead of a bare "no entries found".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBootstrap } from '../../src/referral/bootstrap.js';
import { whoisHandlerFor, type WhoisHandler } from '../../src/whois/handler.js';
import { ROOT } from '../helpers/registry.js';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

const UNKNOWN = "Authority unknown: no registry known to this server covers this resource; IANA's registries (https://www.iana.org/numbers) say which regional registry serves it.";

describe('AS numbers and the bootstrap files in data/bootstrap/', () => {
  let s: SampleApp;
  let whois: WhoisHandler;
  beforeAll(async () => {
    s = await sampleApp();
    whois = whoisHandlerFor(s.config, s.service);
  });
  afterAll(async () => s?.close());

  it('(the premise) the shipped asn.json covers AS3333 and nothing at AS400000', () => {
    // A refreshed asn.json covers AS400000: pick a number IANA has not allocated instead.
    const bootstrap = loadBootstrap(join(ROOT, 'data', 'bootstrap'));
    expect(s.config.bootstrapDir).toBe(join(ROOT, 'data', 'bootstrap'));
    expect(bootstrap.serviceForAsn(400000)).toBeNull();
    expect(bootstrap.serviceForAsn(3333)).toEqual(['https://rdap.db.ripe.net/']);
    expect(JSON.parse(readFileSync(join(ROOT, 'data', 'bootstrap', 'asn.json'), 'utf8')).publication).toBe('2016-09-08T18:00:00Z');
  });

  it('RDAP /autnum/400000: 404 "Authority unknown" naming IANA\'s registries, no redirect', async () => {
    const r = await s.app.inject({ url: '/autnum/400000' });
    expect(r.statusCode).toBe(404);
    expect(r.headers.location).toBeUndefined();
    expect(r.json().description).toEqual([UNKNOWN]);
    expect(r.body).not.toMatch(/not (registered with|managed by) IDNIC/);
  });

  it('WHOIS AS400000: the same words under the 101, no referral line', () => {
    for (const query of ['AS400000', '-r AS400000', '-T aut-num AS400000']) {
      const text = whois.answer(query).lines.join('\n');
      expect(text, query).toMatch(/^%ERROR:101: no entries found$/m);
      expect(text.replace(/\n% /g, ' '), query).toContain(`AS400000: ${UNKNOWN}`);
      expect(text, query).not.toMatch(/not (registered with|managed by) IDNIC/);
      expect(text, query).not.toMatch(/^(ReferralServer|refer):/m);
    }
  });

  it('WHOIS AS3333 (RIPE NCC\'s in the bootstrap): a referral line to whois.ripe.net, as RDAP redirects', async () => {
    const rdap = await s.app.inject({ url: '/autnum/3333' });
    expect(rdap.statusCode).toBe(301);
    expect(rdap.headers.location).toBe('https://rdap.db.ripe.net/autnum/3333');
    const text = whois.answer('AS3333').lines.join('\n');
    expect(text).toMatch(/^%ERROR:101: no entries found$/m);
    expect(text).toMatch(/^ReferralServer: whois:\/\/whois\.ripe\.net$/m);
    expect(text).not.toMatch(/Authority unknown/);
  });

  it('(control) an AS of the registry answers as before', () => {
    const text = whois.answer('AS64497').lines.join('\n');
    expect(text).toMatch(/^aut-num: +AS64497$/m);
    expect(text).not.toMatch(/^ReferralServer:/m);
  });
});
