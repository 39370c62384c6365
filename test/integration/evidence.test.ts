// Signed evidence (issue 18) over HTTP on the sample registry: what is signed and for whom, a
// second JOSE implementation (Debian's python3-jwcrypto) verifying it, the report read by
// pdftotext, tampering, key rotation, later imports, the audit row, and bad input.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/evidence/signing-keys.js';
import { SAMPLE_DIR, importText, tempDir } from '../helpers/registry.js';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';
import { reportSkip } from '../helpers/skip.js';

const PYTHON = '/usr/bin/python3';
const hasJwcrypto = spawnSync(PYTHON, ['-c', 'import jwcrypto'], { encoding: 'utf8' }).status === 0;
const hasPdftotext = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).error === undefined;
// Under CI a missing tool is a failure (.ci/run installs both); elsewhere those tests say why they were skipped.
if (!hasJwcrypto && !process.env.CI) reportSkip('the JWS check with a second JOSE implementation', 'python3-jwcrypto is not installed', 'apt-get install python3-jwcrypto');
if (!hasPdftotext && !process.env.CI) reportSkip('reading the report with pdftotext', 'pdftotext is not installed', 'apt-get install poppler-utils');
const withJwcrypto = hasJwcrypto || process.env.CI ? it : it.skip;
const withPdftotext = hasPdftotext || process.env.CI ? it : it.skip;

interface Jws {
  protected: string;
  payload: string;
  signature: string;
}

const payloadOf = (jws: Jws) => JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8')) as Record<string, any>;

/** One character of base64url text changed to another, still base64url. */
function flip(text: string, at: number): string {
  const c = text[at]!;
  return `${text.slice(0, at)}${c === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
}

describe('signed evidence', () => {
  const tmp = tempDir();
  const keyFile = join(tmp.dir, 'signing-key');
  let sample: SampleApp;
  let lea: string;
  let member: string;

  beforeAll(async () => {
    await generateSigningKey(keyFile, { rotate: false, now: Date.now() });
    sample = await sampleApp({ LACAK_SIGNING_KEY: keyFile });
    lea = sample.keys.add({ role: 'lea', label: 'Direktorat Siber', now: Date.now() }).token;
    member = sample.keys.add({ role: 'member', label: 'Contoh', org: 'ORG-CJN1-IDNIC', now: Date.now() }).token;
  }, 60_000);
  afterAll(async () => {
    await sample?.close();
    tmp.cleanup();
  });

  const get = (url: string, headers: Record<string, string> = {}) => sample.app.inject({ method: 'GET', url, headers });
  const asLea = (url: string, caseReference: string | null = 'LP/123/IV/2026/Siber') =>
    get(url, { authorization: `Bearer ${lea}`, ...(caseReference ? { 'x-case-reference': caseReference } : {}) });
  const verify = async (body: string | Buffer, type: string) => (await sample.app.inject({ method: 'POST', url: '/evidence/verify', headers: { 'content-type': type }, payload: body })).json();

  it('signs the answer the lookup serves, with the instant, provenance, caller and a serial', async () => {
    const url = '/ip/198.51.100.70?at=2025-08-01T20:14:00%2B07:00';
    const lookup = await asLea(url);
    const response = await asLea(`/evidence${url}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/jose\+json/);
    const jws = response.json() as Jws;
    const statement = payloadOf(jws);
    // The answer exactly as served, but for the time served (each answer says when it was served).
    const served = (body: any) => JSON.parse(JSON.stringify(body).replace(/Served at [\d-]+T[\d:.]+Z/g, 'Served at T'));
    expect(served(statement.answer.body)).toEqual(served(lookup.json()));
    expect(statement.answer.status).toBe(200);
    expect(statement.instant).toBe('2025-08-01T13:14:00Z');
    expect(statement.question).toMatchObject({ kind: 'ip', query: '198.51.100.70', at: '2025-08-01T20:14:00+07:00' });
    expect(statement.caller).toEqual({ role: 'lea', caseReference: 'LP/123/IV/2026/Siber', view: 'all', viewNote: null });
    expect(statement.serial).toBe(response.headers['lacak-evidence-serial']);
    expect(statement.serial).toMatch(/^IDNIC-\d{8}-[0-9A-F]{12}$/);
    // The token that asked is nowhere in what is signed.
    // (The secret is all after `lacak_<id>_`: base64url, so it may hold `_` itself.)
    const secret = lea.replace(/^lacak_\d+_/, '');
    expect(secret.length).toBeGreaterThan(20);
    expect(Buffer.from(jws.payload, 'base64url').toString()).not.toContain(secret);
    // Provenance: the snapshots read at that instant, and the SHA-256 of the files imported then.
    const idnic = statement.provenance.snapshots.find((s: any) => s.source === 'IDNIC');
    expect(idnic).toMatchObject({ snapshotAt: '2025-06-01T00:00:00Z', nextSnapshotAt: '2026-01-01T00:00:00Z' });
    const files = statement.provenance.imports.flatMap((i: any) => i.files);
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(readFileSync(join(SAMPLE_DIR, '2025-06-01', 'idnic.db'))).digest('hex');
    expect(files.map((f: any) => f.sha256)).toContain(sha);
    // The facts say who held it then, as the bulk answer would.
    expect(statement.facts[0]).toMatchObject({ address: '198.51.100.70', netname: lookup.json().name, network: lookup.json().handle, instant: '2025-08-01T13:14:00Z' });
    // The payload is RFC 8785 canonical JSON: keys sorted, no spaces.
    const text = Buffer.from(jws.payload, 'base64url').toString('utf8');
    expect(text.startsWith('{"answer":')).toBe(true);
    expect(text).not.toMatch(/": /);
  });

  withJwcrypto('verifies with a second, independent JOSE implementation (python3-jwcrypto)', async () => {
    const jws = (await asLea('/evidence/autnum/64496')).json() as Jws;
    const jwks = (await get('/.well-known/jwks.json')).json();
    const script = [
      'import json, sys',
      'from jwcrypto import jwk, jws',
      'given = json.load(sys.stdin)',
      'token = jws.JWS()',
      'token.deserialize(json.dumps(given["jws"]))',
      'key = [k for k in given["jwks"]["keys"] if k["kid"] == token.jose_header["kid"]][0]',
      'token.verify(jwk.JWK(kty=key["kty"], crv=key["crv"], x=key["x"]), alg="EdDSA")',
      'print(json.loads(token.payload)["serial"])',
    ].join('\n');
    const good = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify({ jws, jwks }), encoding: 'utf8' });
    expect(good.stderr).toBe('');
    expect(good.stdout.trim()).toBe(payloadOf(jws).serial);
    const tampered = { ...jws, payload: flip(jws.payload, 40) };
    const bad = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify({ jws: tampered, jwks }), encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/InvalidJWSSignature|Verification failed/);
  });

  it('an lea key without a case reference gets evidence of the anonymous view, saying why', async () => {
    const withCase = payloadOf((await asLea('/evidence/entity/AWP1-IDNIC')).json());
    const without = payloadOf((await asLea('/evidence/entity/AWP1-IDNIC', null)).json());
    const name = (statement: any) => JSON.stringify(statement.answer.body.vcardArray);
    expect(without.caller).toMatchObject({ role: 'lea', caseReference: null, view: 'public' });
    expect(without.caller.viewNote).toMatch(/X-Case-Reference/);
    // The person's name is in the evidence for the case, and not in the other.
    const fn = withCase.answer.body.vcardArray[1].find((p: any[]) => p[0] === 'fn')[3];
    expect(fn.length).toBeGreaterThan(0);
    expect(name(without)).not.toContain(fn);
    // Facts never carry a person's name, whoever asked.
    expect(withCase.facts.name).toBeNull();
  });

  it('signs a reverse domain and an AS number with their public facts', async () => {
    const domain = await asLea('/evidence/domain/100.51.198.in-addr.arpa');
    expect(domain.statusCode).toBe(200);
    const lookup = (await asLea('/domain/100.51.198.in-addr.arpa')).json();
    const facts = payloadOf(domain.json()).facts;
    expect(facts.class).toBe('domain');
    expect(facts.key.toLowerCase()).toBe(lookup.ldhName.toLowerCase());
    const autnum = payloadOf((await asLea('/evidence/autnum/64496')).json());
    const asLookup = (await asLea('/autnum/64496')).json();
    expect(autnum.facts).toMatchObject({ class: 'aut-num', name: asLookup.name });
  });

  it('is for callers with a key: anonymous is a 401 that says so', async () => {
    const response = await get('/evidence/ip/198.51.100.70');
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.json().description.join(' ')).toMatch(/key/);
    const bulk = await sample.app.inject({ method: 'POST', url: '/bulk/ip?evidence=1', headers: { 'content-type': 'text/plain' }, payload: '198.51.100.70\n' });
    expect(bulk.statusCode).toBe(401);
  });

  it('answers bad input as the lookup does, and signs nothing', async () => {
    const before = sample.audit.list().filter((r) => r.query.includes('evidence IDNIC-')).length;
    for (const path of ['/ip/999.1.2.3', '/ip/198.51.100.70?at=2010-01-01T00:00:00Z', '/ip/198.51.100.70?at=2017-04-29T20:14:00', '/entity/NOSUCH-IDNIC', '/autnum/AS64496']) {
      const lookup = await asLea(path);
      const evidence = await asLea(`/evidence${path}`);
      expect(evidence.statusCode, path).toBe(lookup.statusCode);
      expect([400, 404]).toContain(evidence.statusCode);
      expect(evidence.json().description).toEqual(lookup.json().description);
      expect(evidence.headers['content-type']).toMatch(/application\/rdap\+json/);
    }
    expect(sample.audit.list().filter((r) => r.query.includes('evidence IDNIC-')).length).toBe(before);
  });

  it('writes an audit row naming the serial, the signing key, the case and the question', async () => {
    const response = await asLea('/evidence/ip/198.51.100.70?at=2025-08-01T20:14:00%2B07:00');
    const serial = response.headers['lacak-evidence-serial'] as string;
    const kid = JSON.parse(Buffer.from((response.json() as Jws).protected, 'base64url').toString()).kid as string;
    const rows = sample.audit.list().filter((r) => r.query.includes(serial));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ role: 'lea', caseReference: 'LP/123/IV/2026/Siber' });
    expect(rows[0]!.query).toContain(kid);
    expect(rows[0]!.query).toContain('ip 198.51.100.70 at 2025-08-01T20:14:00+07:00');
  });

  it('POST /evidence/verify: valid with the key that signed and what it states; any changed byte is invalid with the reason', async () => {
    const jwsText = (await asLea('/evidence/ip/198.51.100.70')).body;
    const good = await verify(jwsText, 'application/jose+json');
    expect(good.verdict).toBe('valid');
    expect(good.key.current).toBe(true);
    expect(good.states.question.query).toBe('198.51.100.70');
    expect(good.current.same).toBe(true);
    // The body of what was answered is in the file, not echoed back.
    expect(good.states.answer).toBeUndefined();
    const jws = JSON.parse(jwsText) as Jws;
    const payload = await verify(JSON.stringify({ ...jws, payload: flip(jws.payload, 100) }), 'application/jose+json');
    expect(payload).toMatchObject({ verdict: 'invalid', key: { kid: expect.any(String) } });
    expect(payload.reason).toMatch(/signature does not match/);
    const signature = await verify(JSON.stringify({ ...jws, signature: flip(jws.signature, 5) }), 'application/jose+json');
    expect(signature.verdict).toBe('invalid');
    const truncated = await verify(jwsText.slice(0, jwsText.length / 2), 'application/jose+json');
    expect(truncated.verdict).toBe('invalid');
    expect(truncated.reason).toMatch(/malformed or cut short/);
    const compact = await verify(`${jws.protected}.${jws.payload}.${jws.signature}`, 'text/plain');
    expect(compact.verdict).toBe('valid');
    const garbage = await verify(Buffer.from([0xff, 0x00, 0x13]), 'application/octet-stream');
    expect(garbage.verdict).toBe('invalid');
    const empty = await sample.app.inject({ method: 'POST', url: '/evidence/verify', headers: { 'content-type': 'application/jose+json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
  });

  it('checking a large signed answer spends the asker\'s own budget; a PDF larger than any report is not parsed', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `198.51.100.${i % 256}`).join('\n');
    const signed = await sample.app.inject({ method: 'POST', url: '/bulk/ip?evidence=1', headers: { 'content-type': 'text/plain', authorization: `Bearer ${lea}` }, payload: lines });
    expect(signed.statusCode).toBe(200);
    const from = { remoteAddress: '192.0.2.77' };
    const remaining = async () => Number((await sample.app.inject({ method: 'GET', url: '/help', ...from })).headers['ratelimit-remaining']);
    const before = await remaining();
    const checked = await sample.app.inject({ method: 'POST', url: '/evidence/verify', headers: { 'content-type': 'application/jose+json' }, payload: signed.body, ...from });
    expect(checked.json()).toMatchObject({ verdict: 'valid', current: { same: true } });
    // 2,000 lookups asked again: many points, not the one a plain request costs.
    expect(before - (await remaining())).toBeGreaterThan(20);
    const huge = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024, 0x20)]);
    const refused = await verify(huge, 'application/pdf');
    expect(refused.verdict).toBe('invalid');
    expect(refused.reason).toMatch(/is not a lacak report/);
  });

  withPdftotext('the report states the answer, the instant in WIB and UTC and the serial, and carries the JWS', async () => {
    const lookup = (await get('/ip/198.51.100.70?at=2025-08-01T20:14:00&tz=WIB')).json();
    const response = await get('/evidence/ip/198.51.100.70/report.pdf?at=2025-08-01T20:14:00&tz=WIB', { authorization: `Bearer ${lea}`, 'x-case-reference': 'LP/123/IV/2026/Siber', 'accept-language': 'id' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const serial = response.headers['lacak-evidence-serial'] as string;
    const file = join(tmp.dir, 'report.pdf');
    writeFileSync(file, response.rawPayload);
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain(serial);
    expect(text).toContain('2025-08-01 20:14:00 WIB (2025-08-01T13:14:00Z)');
    expect(text).toContain(lookup.name);
    expect(text).toContain(lookup.handle);
    expect(text).toContain('LP/123/IV/2026/Siber');
    expect(text).toMatch(/Nomor seri/);
    const pages = spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout;
    expect(Number(/Pages:\s+(\d+)/.exec(pages)![1])).toBeLessThanOrEqual(2);
    const valid = await verify(response.rawPayload, 'application/pdf');
    expect(valid.verdict).toBe('valid');
    expect(valid.states.serial).toBe(serial);
    // A changed byte inside the embedded evidence.
    const bytes = Buffer.from(response.rawPayload);
    const at = bytes.indexOf('/Type /EmbeddedFile');
    expect(at).toBeGreaterThan(0);
    const stream = bytes.indexOf('stream', at) + 'stream'.length + 40;
    bytes[stream] = bytes[stream]! ^ 0x01;
    const tampered = await verify(bytes, 'application/pdf');
    expect(tampered.verdict).toBe('invalid');
    expect(tampered.reason).toEqual(expect.any(String));
  });

  it('a bulk answer is signed whole with ?evidence=1 or Accept: application/jose+json, and verifies', async () => {
    const body = '198.51.100.70,2025-08-01T20:14:00+07:00\n203.0.113.7\nnot-an-address\n';
    for (const ask of [{ url: '/bulk/ip?evidence=1', accept: 'application/x-ndjson' }, { url: '/bulk/ip', accept: 'application/jose+json' }]) {
      const response = await sample.app.inject({ method: 'POST', url: ask.url, headers: { 'content-type': 'text/plain', accept: ask.accept, authorization: `Bearer ${member}` }, payload: body });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/jose\+json/);
      const statement = payloadOf(response.json());
      expect(statement.question.kind).toBe('bulk');
      expect(statement.facts.map((r: any) => r.input)).toEqual(['198.51.100.70,2025-08-01T20:14:00+07:00', '203.0.113.7', 'not-an-address']);
      expect(statement.answer.body[0].provenance).toBeDefined();
      expect(statement.caller.role).toBe('member');
      const checked = await verify(response.body, 'application/jose+json');
      expect(checked.verdict).toBe('valid');
      expect(checked.current.same).toBe(true);
    }
    // More lines than a signed answer holds: refused before any row.
    const many = Array.from({ length: 10_001 }, () => '203.0.113.7').join('\n');
    const tooMany = await sample.app.inject({ method: 'POST', url: '/bulk/ip?evidence=1', headers: { 'content-type': 'text/plain', authorization: `Bearer ${lea}` }, payload: many });
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().description.join(' ')).toMatch(/10000 lines when its answer is signed/);
  });

  it('evidence keeps verifying after a later import changes the network, and the difference is shown', async () => {
    const past = (await asLea('/evidence/ip/198.51.100.70?at=2025-08-01T20:14:00%2B07:00')).body;
    const now = (await asLea('/evidence/ip/198.51.100.70')).body;
    const nowHolder = payloadOf(JSON.parse(now)).facts[0].holder as string;
    // The next day's IDNIC dump: the same objects, but MBAGRINDO-ID now belongs to another organisation.
    const dump = readFileSync(join(SAMPLE_DIR, '2026-01-01', 'idnic.db'), 'utf8');
    const changed = dump.replace(/(netname:\s+MBAGRINDO-ID[\s\S]*?org:\s+)ORG-MBA1-IDNIC/, '$1ORG-CJN1-IDNIC');
    expect(changed).not.toBe(dump);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await importText(sample.db, tmp.dir, changed, new Date().toISOString(), { source: 'IDNIC' });
    const pastChecked = await verify(past, 'application/jose+json');
    expect(pastChecked.verdict).toBe('valid');
    expect(pastChecked.current.same).toBe(true);
    const nowChecked = await verify(now, 'application/jose+json');
    expect(nowChecked.verdict).toBe('valid');
    expect(nowChecked.current.same).toBe(false);
    const fields = Object.fromEntries(nowChecked.current.differences[0].fields.map(([f, then, later]: [string, string | null, string | null]) => [f, { then, later }]));
    expect(fields.next_holder.then).toBeNull();
    expect(fields.next_holder.later).not.toContain(nowHolder);
    expect(nowChecked.current.differences[0].reason).toMatch(/later snapshot of IDNIC/);
  });

  it('a rotated-out key still verifies its evidence and signs nothing new', async () => {
    const old = (await asLea('/evidence/autnum/64496')).body;
    const oldKid = JSON.parse(Buffer.from((JSON.parse(old) as Jws).protected, 'base64url').toString()).kid;
    const rotated = await generateSigningKey(keyFile, { rotate: true, now: Date.now() });
    expect(rotated.retired).toBe(oldKid);
    const fresh = (await asLea('/evidence/autnum/64496')).json() as Jws;
    expect(JSON.parse(Buffer.from(fresh.protected, 'base64url').toString()).kid).toBe(rotated.kid);
    const checked = await verify(old, 'application/jose+json');
    expect(checked).toMatchObject({ verdict: 'valid', key: { kid: oldKid, current: false } });
    expect(checked.key.validUntil).not.toBeNull();
    const jwks = (await get('/.well-known/jwks.json')).json();
    expect(jwks.keys.map((k: any) => k.kid)).toEqual([rotated.kid, oldKid]);
    expect(jwks.keys[0].validUntil).toBeNull();
    // The file keeps no private part of the retired key.
    const file = JSON.parse(readFileSync(keyFile, 'utf8'));
    expect(JSON.stringify(file.retired)).not.toContain('"d"');
  });
});

describe('signed evidence without a signing key', () => {
  const tmp = tempDir();
  let sample: SampleApp;
  let lea: string;
  beforeAll(async () => {
    sample = await sampleApp({ LACAK_SIGNING_KEY: join(tmp.dir, 'missing-key') });
    lea = sample.keys.add({ role: 'lea', label: 'x', now: Date.now() }).token;
  }, 60_000);
  afterAll(async () => {
    await sample?.close();
    tmp.cleanup();
  });

  it('answers 503 saying why, and the lookups still answer', async () => {
    const headers = { authorization: `Bearer ${lea}`, 'x-case-reference': 'LP/1/2026' };
    for (const url of ['/evidence/ip/198.51.100.70', '/evidence/ip/198.51.100.70/report.pdf', '/.well-known/jwks.json']) {
      const response = await sample.app.inject({ method: 'GET', url, headers });
      expect(response.statusCode, url).toBe(503);
      expect(response.json().description.join(' ')).toMatch(/missing-key does not exist: create it with "lacak evidence keygen"/);
    }
    expect((await sample.app.inject({ method: 'GET', url: '/ip/198.51.100.70' })).statusCode).toBe(200);
  });
});
