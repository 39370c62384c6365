// POST /bulk/ip on the sample registry: one row per line, in input order, answered at each
// line's own time, with provenance an investigator can cite; bad lines get their own error
// rows and the rest is still answered.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from '../helpers/registry.js';
import { sampleApp, type SampleApp } from '../helpers/sample-app.js';

interface Row {
  line: number;
  input: string;
  address: string | null;
  port: number | null;
  case_reference: string | null;
  authority: string | null;
  authority_note: string | null;
  authority_rdap: string | null;
  authority_whois: string | null;
  member_note: string | null;
  next_holder: string | null;
  changed: string | null;
  likely_holder: string | null;
  instant: string | null;
  network: string | null;
  holder: string | null;
  member: string | null;
  legal_contact: string | null;
  abuse: string | null;
  snapshots: string | null;
  error: string | null;
}

function ndjson(body: string): { provenance: { imports: { id: number; files: { name: string; sha256: string }[] }[]; lacakVersion: string; servedAt: string }; rows: Row[] } {
  const [first, ...rest] = body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { provenance: first!.provenance as never, rows: rest as unknown as Row[] };
}

describe('POST /bulk/ip', () => {
  let s: SampleApp;
  beforeAll(async () => {
    s = await sampleApp();
  });
  afterAll(async () => s?.close());

  const post = (payload: string | Buffer, headers: Record<string, string> = {}, query = '') =>
    s.app.inject({ method: 'POST', url: `/bulk/ip${query}`, payload, headers: { 'content-type': 'text/plain', ...headers } });

  it('answers each line at its own time: before the data, between and after the snapshots, with ports and zones', async () => {
    const lines = [
      '198.51.100.70,2025-07-01T00:00:00Z', // between the snapshots: the earlier holder
      '198.51.100.70,2026-02-01T08:00:00+07:00', // after the second: the new holder
      '198.51.100.70', // no time: ?at, else now
      '198.51.100.41:51234,2025-07-01 07:00:00', // zoneless, with ?tz
      '198.51.100.70,2020-01-01T00:00:00Z', // before the data begins
      '198.51.100.70,2999-01-01T00:00:00Z', // in the future
      '',
      'not an address',
      '[2001:db8:110:2a00::25]:443',
      '8.8.8.8',
      '10.1.2.3',
    ];
    const r = await post(lines.join('\n'), {}, '?tz=Asia/Jakarta');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const { rows } = ndjson(r.body);
    expect(rows.map((x) => x.line)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10, 11]);
    expect(rows.map((x) => x.input)).toEqual(lines.filter((l) => l !== ''));
    expect(rows[0]).toMatchObject({ instant: '2025-07-01T00:00:00Z', network: '198.51.100.64 - 198.51.100.79', holder: 'PT Sinar Logistik Contoh', error: null });
    expect(rows[0]!.snapshots).toContain('IDNIC 2025-06-01T00:00:00Z');
    expect(rows[1]).toMatchObject({ instant: '2026-02-01T01:00:00Z', holder: 'PT Maju Bersama Agrindo' });
    expect(rows[1]!.snapshots).toContain('IDNIC 2026-01-01T00:00:00Z');
    expect(rows[2]).toMatchObject({ holder: 'PT Maju Bersama Agrindo', error: null });
    expect(rows[3]).toMatchObject({ instant: '2025-07-01T00:00:00Z', network: '198.51.100.40 - 198.51.100.43', member: 'PT Contoh Jaringan Nusantara (ORG-CJN1-IDNIC)' });
    expect(rows[3]!.legal_contact).toContain('legal@contohnet.example.id');
    expect(rows[4]!.error).toMatch(/no data for \S+ before/);
    expect(rows[5]!.error).toMatch(/is in the future/);
    expect(rows[6]!.error).toMatch(/not an IP address/);
    expect(rows[7]).toMatchObject({ network: '2001:db8:110:2a00::/56', holder: 'PT Graha Data Sentosa' });
    // Not found is an answer, not an error: who answers for the space, and where.
    expect(rows[8]).toMatchObject({ error: null, authority: 'ARIN', authority_rdap: 'https://rdap.arin.net/registry/ip/8.8.8.8', authority_whois: 'whois.arin.net' });
    expect(rows[8]!.authority_note).toMatch(/Not managed by IDNIC: registered with ARIN/);
    expect(rows[9]).toMatchObject({ error: null, authority: null });
    expect(rows[9]!.authority_note).toMatch(/special-purpose address space \(Private-use networks, RFC 1918\)/);
    // The address and port of each line, apart.
    expect(rows.map((x) => [x.address, x.port])).toEqual([
      ['198.51.100.70', null],
      ['198.51.100.70', null],
      ['198.51.100.70', null],
      ['198.51.100.41', 51234],
      ['198.51.100.70', null],
      ['198.51.100.70', null],
      [null, null],
      ['2001:db8:110:2a00::25', 443],
      ['8.8.8.8', null],
      ['10.1.2.3', null],
    ]);
  });

  it('says when a line\'s time lies between snapshots that answer differently, and who likely held it', async () => {
    const lines = ['198.51.100.70,2025-11-15 10:00:00', '198.51.100.70,2025-09-01 10:00:00', '198.51.100.210,2025-09-01 10:00:00', '198.51.100.41,2025-09-01 10:00:00'];
    const { rows } = ndjson((await post(lines.join('\n'), {}, '?tz=WIB')).body);
    expect(rows.map((x) => [x.holder, x.next_holder, x.changed, x.likely_holder])).toEqual([
      ['PT Sinar Logistik Contoh', 'PT Maju Bersama Agrindo (198.51.100.64 - 198.51.100.79)', 'changed before', 'PT Maju Bersama Agrindo (198.51.100.64 - 198.51.100.79)'],
      ['PT Sinar Logistik Contoh', 'PT Maju Bersama Agrindo (198.51.100.64 - 198.51.100.79)', 'changed after', 'PT Sinar Logistik Contoh (198.51.100.64 - 198.51.100.79)'],
      ['CV Bengkel Digital Contoh', 'PT Lintas Khatulistiwa Media (198.51.100.192 - 198.51.100.239)', 'unknown', null],
      ['Koperasi Simpan Pinjam Contoh Makmur', null, null, null],
    ]);
  });

  it('names who answers for space outside the registry, and why no member answers for the rest', async () => {
    const { rows } = ndjson((await post(['192.0.2.70', '192.0.2.200', '198.51.100.100', '198.51.100.110', '192.0.2.10'].join('\n'))).body);
    expect(rows.map((x) => [x.authority, x.member, x.member_note])).toEqual([
      ['APNIC', null, null],
      ['APNIC', null, null],
      ['IDNIC', null, 'Assigned directly by IDNIC to Universitas Contoh Nusantara: no member ISP in between, contact the holder.'],
      ['IDNIC', null, 'Managed by IDNIC, not assigned.'],
      ['IDNIC', null, 'Managed by IDNIC, not assigned.'],
    ]);
    expect(rows[1]).toMatchObject({ authority_rdap: 'https://rdap.apnic.net/ip/192.0.2.200', authority_whois: 'whois.apnic.net' });
    expect(rows[1]!.authority_note).toBe("Registered with APNIC (account A91F3C07), not managed by IDNIC: APNIC's server is authoritative.");
  });

  it('answers every line without a time as of ?at', async () => {
    const { rows } = ndjson((await post('198.51.100.70\n198.51.100.210', {}, '?at=2025-07-01T00:00:00Z')).body);
    expect(rows.map((x) => [x.instant, x.holder])).toEqual([
      ['2025-07-01T00:00:00Z', 'PT Sinar Logistik Contoh'],
      ['2025-07-01T00:00:00Z', 'CV Bengkel Digital Contoh'],
    ]);
  });

  it('cites its sources: every import with the SHA-256 of each file it read, and the lacak version', async () => {
    const { provenance } = ndjson((await post('198.51.100.41')).body);
    expect(provenance.lacakVersion).toMatch(/^\d+\.\d+\.\d+/);
    const files = provenance.imports.flatMap((i) => i.files);
    expect(files.length).toBeGreaterThanOrEqual(5);
    // Every file cited is one of the sample's files, byte for byte; no server directory is named.
    const manifest = JSON.parse(readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8')) as { imports: { files: string[] }[] };
    const sampleFiles = manifest.imports.flatMap((i) => i.files);
    const hashes = new Set(sampleFiles.map((f) => createHash('sha256').update(readFileSync(join(SAMPLE_DIR, f))).digest('hex')));
    for (const f of files) {
      expect(hashes.has(f.sha256), f.name).toBe(true);
      expect(f.name).not.toMatch(/[\\/]/);
    }
  });

  it('takes CSV with a header and answers plain CSV: a header row, then one row per line, provenance in a header', async () => {
    const body = 'address,port,time\n198.51.100.70,,2025-07-01T00:00:00Z\n2001:db8:110:2a00::25,443,\n"bogus, really",,\n';
    const { token } = s.keys.add({ role: 'lea', label: 'siber', now: Date.now() });
    const r = await post(body, { 'content-type': 'text/csv', accept: 'text/csv', authorization: `Bearer ${token}`, 'x-case-reference': 'LP/123/XI/2026' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    // Any CSV reader, with no options: no comment line before the header.
    expect(r.body.startsWith('line,input,address,port,case_reference,instant,')).toBe(true);
    const records = parseCsv(r.body, { columns: true }) as Record<string, string>[];
    expect(records.map((x) => [x.line, x.input, x.address, x.port, x.holder, x.error !== ''])).toEqual([
      ['2', '198.51.100.70,2025-07-01T00:00:00Z', '198.51.100.70', '', 'PT Sinar Logistik Contoh', false],
      ['3', '[2001:db8:110:2a00::25]:443', '2001:db8:110:2a00::25', '443', 'PT Graha Data Sentosa', false],
      ['4', 'bogus, really', '', '', '', true],
    ]);
    // Every row carries the case it was asked for, and where it was read from.
    expect(records.every((x) => x.case_reference === 'LP/123/XI/2026')).toBe(true);
    expect(records[0]!.snapshots).toMatch(/^IDNIC 2025-06-01T00:00:00Z import 1; /);
    // The whole provenance, as the NDJSON form's first line has it.
    const head = JSON.parse(String(r.headers['lacak-provenance'])) as { imports: unknown[]; lacakVersion: string; query: { tz: string | null } };
    expect(head.imports.length).toBe(4);
    expect(head.lacakVersion).toMatch(/^\d+\.\d+\.\d+/);
    // Python's csv module reads it back row for row, where Python is installed.
    const python = spawnSync('python3', ['-c', 'import csv,sys; rows=list(csv.reader(sys.stdin)); print(len(rows), len(set(map(len, rows))))'], { input: r.body, encoding: 'utf8' });
    if (python.status === 0) expect(python.stdout.trim()).toBe('4 1');
  });

  it('takes a JSON array of lines or objects', async () => {
    const r = await post(JSON.stringify(['198.51.100.70,2025-07-01T00:00:00Z', { address: '198.51.100.41', port: 8080 }, 42]), { 'content-type': 'application/json' });
    const { rows } = ndjson(r.body);
    expect(rows.map((x) => [x.line, x.input, x.holder ?? x.error])).toEqual([
      [1, '198.51.100.70,2025-07-01T00:00:00Z', 'PT Sinar Logistik Contoh'],
      [2, '198.51.100.41:8080', 'Koperasi Simpan Pinjam Contoh Makmur'],
      [3, '42', 'not an IP address: "42"'],
    ]);
    const refused = await post('{"not": "an array"}', { 'content-type': 'application/json' });
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ errorCode: 400 });
  });

  it('gives a long or binary line its own error row and answers the rest', async () => {
    const payload = Buffer.concat([Buffer.from('198.51.100.41\n'), Buffer.alloc(1024 * 1024, 0x41), Buffer.from('\n'), Buffer.from([0, 0xff, 0xfe, 0x0a]), Buffer.from('198.51.100.70\n')]);
    // An anonymous request of 1 MB is refused whole (413, below); a key may send that much.
    const { token } = s.keys.add({ role: 'admin', label: 'ops', now: Date.now() });
    const { rows } = ndjson((await post(payload, { authorization: `Bearer ${token}` })).body);
    expect(rows.map((x) => [x.line, x.error === null])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(rows[1]!.error).toMatch(/longer than/);
  });

  it('holds an anonymous request to its bulk lines, and refuses a body that cannot fit with 413', async () => {
    // A small limit is checked on the whole body before any row (bulk-hardening.test.ts has the rest).
    const lines = Array.from({ length: 150 }, (_, i) => `198.51.100.${i % 256}`).join('\n');
    const over = await post(lines);
    expect(over.statusCode).toBe(413);
    expect(JSON.parse(over.body)).toMatchObject({ errorCode: 413, description: [expect.stringMatching(/a anonymous request may hold 100 lines/)] });
    const big = await s.app.inject({ method: 'POST', url: '/bulk/ip', payload: 'x', headers: { 'content-type': 'text/plain', 'content-length': String(100 * 1024 * 1024) } });
    expect(big.statusCode).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ errorCode: 413 });
    expect((await post('198.51.100.41', { 'content-type': 'application/xml' })).statusCode).toBe(415);
  });

  it('lets a key ask more lines, and audits the request once with its line count', async () => {
    const { token } = s.keys.add({ role: 'lea', label: 'siber', now: Date.now() });
    const lines = Array.from({ length: 250 }, () => '198.51.100.41').join('\n');
    const { rows } = ndjson((await post(lines, { authorization: `Bearer ${token}` })).body);
    expect(rows).toHaveLength(250);
    expect(rows.every((x) => x.error === null)).toBe(true);
    expect(s.audit.list().at(-1)).toMatchObject({ role: 'lea', query: 'POST /bulk/ip (250 line(s))' });
  });
});
