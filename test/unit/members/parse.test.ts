import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LACAK_ERR, LacakError } from '../../../src/errors.js';
import {
  canonicalResource,
  isValidEmail,
  isValidPhone,
  readMembers,
  splitResources,
  type MemberItem,
} from '../../../src/members/parse.js';
import type { DataIssue, RegistryObject } from '../../../src/model/types.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/members/', import.meta.url));
const MEMBERS = `${FIXTURES}members.csv`;
const HEADER =
  'member_id,org_handle,org_name,opaque_id,country,resources,legal_contact_name,legal_contact_email,legal_contact_phone,abuse_email';

const tmp = mkdtempSync(join(tmpdir(), 'lacak-members-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function tempFile(content: string | Buffer): string {
  const path = join(tmp, `m${n++}.csv`);
  writeFileSync(path, content);
  return path;
}

async function collect(items: AsyncGenerator<MemberItem>): Promise<{ objects: RegistryObject[]; issues: DataIssue[] }> {
  const out = { objects: [] as RegistryObject[], issues: [] as DataIssue[] };
  for await (const item of items) {
    if (item.object) out.objects.push(item.object);
    if (item.issue) out.issues.push(item.issue);
  }
  return out;
}

async function failure(items: AsyncGenerator<MemberItem>): Promise<unknown> {
  try {
    await collect(items);
  } catch (err) {
    return err;
  }
  return null;
}

describe('readMembers: the fixture file', () => {
  it('loads the good rows and reports each bad one on its own line', async () => {
    const { objects, issues } = await collect(readMembers(MEMBERS));
    expect(objects.map((o) => [o.key, o.line])).toEqual([
      ['MBR-0001', 2],
      ['MBR-0002', 3],
      ['MBR-0004', 5],
      ['MBR-0007', 10],
    ]);
    expect(issues.map((i) => [i.line, i.code, i.severity])).toEqual([
      [4, 'MEMBERS_BAD_ROW', 'error'],
      [7, 'MEMBERS_DUPLICATE', 'error'],
      [8, 'MEMBERS_BAD_ROW', 'error'],
      [11, 'MEMBERS_BAD_ROW', 'error'],
    ]);
    expect(issues[0]?.message).toContain('legal_contact_email "not-an-email"');
    expect(issues[1]?.message).toContain('already on line 2');
    expect(issues[2]?.message).toContain('resource "192.0.2.1/24"');
    expect(issues[3]?.message).toContain('4 fields, header has 10');
    expect(issues.every((i) => i.file === MEMBERS && !i.message.includes('\n'))).toBe(true);
  });

  it('builds a member object with attributes in order and references', async () => {
    const { objects } = await collect(readMembers(MEMBERS));
    expect(objects[0]).toEqual({
      source: 'MEMBERS',
      className: 'member',
      key: 'MBR-0001',
      attributes: [
        ['member', 'MBR-0001'],
        ['org', 'ORG-EX1-IDNIC'],
        ['org-name', 'PT Contoh Jaringan, Tbk'],
        ['opaque-id', 'A9100001'],
        ['country', 'ID'],
        ['resources', '192.0.2.0 - 192.0.2.127'],
        ['resources', 'AS64496'],
        ['legal-contact', 'Legal Request Desk'],
        ['legal-email', 'legal@contoh.example'],
        ['legal-phone', '+62 21 5150 1234'],
        ['abuse-mailbox', 'abuse@contoh.example'],
        ['source', 'MEMBERS'],
      ],
      references: [
        { attribute: 'org', target: 'ORG-EX1-IDNIC' },
        { attribute: 'opaque-id', target: 'A9100001' },
      ],
      file: MEMBERS,
      line: 2,
    });
  });

  it('keeps quoted commas and doubled quotes, defaults the country, omits empty optionals', async () => {
    const { objects } = await collect(readMembers(MEMBERS));
    const two = objects[1]!;
    expect(two.attributes).toEqual([
      ['member', 'MBR-0002'],
      ['org', 'ORG-EX2-IDNIC'],
      ['org-name', 'CV "Maju" Net'],
      ['country', 'ID'],
      ['resources', '2001:db8::/32'],
      ['resources', 'AS64500 - AS64503'],
      ['legal-contact', 'Legal Desk, Jakarta'],
      ['legal-email', 'hukum@maju.example'],
      ['legal-phone', '+62 (21) 555-0100 ext. 12'],
      ['source', 'MEMBERS'],
    ]);
    expect(two.references).toEqual([{ attribute: 'org', target: 'ORG-EX2-IDNIC' }]);
  });

  it('joins a multi-line quoted field and numbers the row by its first line', async () => {
    const { objects } = await collect(readMembers(MEMBERS));
    const four = objects.find((o) => o.key === 'MBR-0004')!;
    expect(four.line).toBe(5);
    expect(four.attributes).toContainEqual(['org-name', 'PT Nama Dua Baris']);
    expect(four.attributes).toContainEqual(['opaque-id', 'A9100004']);
    expect(four.attributes).toContainEqual(['country', 'ID']);
    expect(four.attributes).toContainEqual(['resources', '203.0.113.0 - 203.0.113.127']);
  });

  it('gives the same answer for CRLF, a BOM and gzip', async () => {
    const expected = await collect(readMembers(MEMBERS));
    const crlf = `\uFEFF${readFileSync(MEMBERS, 'utf8').replace(/\n/g, '\r\n')}`;
    for (const content of [crlf, gzipSync(crlf)]) {
      const path = tempFile(content);
      const got = await collect(readMembers(path));
      expect(got.objects.map((o) => [o.key, o.line, o.attributes])).toEqual(
        expected.objects.map((o) => [o.key, o.line, o.attributes]),
      );
      expect(got.issues.map((i) => [i.line, i.code])).toEqual(expected.issues.map((i) => [i.line, i.code]));
    }
  });
});

describe('readMembers: header and malformed CSV', () => {
  it('refuses a header without a required column: one-line FORMAT error', async () => {
    const path = `${FIXTURES}missing-column.csv`;
    const err = await failure(readMembers(path));
    expect(err).toBeInstanceOf(LacakError);
    expect((err as LacakError).code).toBe(LACAK_ERR.FORMAT);
    expect((err as LacakError).message).toContain(`${path} line 1:`);
    expect((err as LacakError).message).toContain('legal_contact_email');
    expect((err as LacakError).message).not.toContain('\n');
  });

  it('refuses an unclosed quote with the line where the row starts', async () => {
    const path = `${FIXTURES}unclosed-quote.csv`;
    const items = readMembers(path);
    const first = await items.next();
    expect(first.value?.object?.key).toBe('MBR-0001');
    const err = await failure(items);
    expect(err).toBeInstanceOf(LacakError);
    expect((err as LacakError).code).toBe(LACAK_ERR.FORMAT);
    expect((err as LacakError).message).toContain(`${path} line 3:`);
    expect((err as LacakError).message).toContain('never closed');
  });

  it('refuses other unrecoverable quoting as FORMAT with a line', async () => {
    const path = tempFile(`${HEADER}\nMBR-1,ORG-1,"PT Satu"x,,,,Desk,a@b.example,+62 21 555 0101,\n`);
    const err = await failure(readMembers(path));
    expect(err).toBeInstanceOf(LacakError);
    expect((err as LacakError).code).toBe(LACAK_ERR.FORMAT);
    expect((err as LacakError).message).toMatch(/line 2: malformed CSV/);
  });

  it('keeps a stray quote inside an unquoted field as text', async () => {
    const path = tempFile(`${HEADER}\nMBR-1,ORG-1,PT "Maju" Jaya,,,,Desk,a@b.example,+62 21 555 0101,\n`);
    const { objects, issues } = await collect(readMembers(path));
    expect(issues).toEqual([]);
    expect(objects[0]?.attributes).toContainEqual(['org-name', 'PT "Maju" Jaya']);
  });

  it('refuses an empty file and a duplicated column name', async () => {
    for (const content of ['', `${HEADER},org_name\n`]) {
      const err = await failure(readMembers(tempFile(content)));
      expect(err).toBeInstanceOf(LacakError);
      expect((err as LacakError).code).toBe(LACAK_ERR.FORMAT);
    }
  });

  it('accepts columns in any order, warns once about unknown columns, skips comma-only rows', async () => {
    const path = tempFile(
      [
        'legal_contact_phone,legal_contact_email,legal_contact_name,org_name,org_handle,member_id,notes',
        '+62 21 555 0101,a@b.example,Desk,PT Satu,org-1,mbr-1,hello',
        ',,,,,,',
      ].join('\n'),
    );
    const { objects, issues } = await collect(readMembers(path));
    expect(issues.map((i) => [i.line, i.code, i.severity])).toEqual([[1, 'MEMBERS_UNKNOWN_COLUMN', 'warning']]);
    expect(objects.map((o) => [o.key, o.line])).toEqual([['MBR-1', 2]]);
    expect(objects[0]?.references).toEqual([{ attribute: 'org', target: 'ORG-1' }]);
  });

  it('lists every problem of a bad row in one issue', async () => {
    const path = tempFile(`${HEADER}\n,ORG-1,,,IDN,AS,Desk,x@,021 555,abuse\n`);
    const { objects, issues } = await collect(readMembers(path));
    expect(objects).toEqual([]);
    expect(issues).toHaveLength(1);
    for (const part of ['member_id is empty', 'org_name is empty', 'country "IDN"', 'resource "AS"', 'legal_contact_email', 'legal_contact_phone', 'abuse_email']) {
      expect(issues[0]?.message).toContain(part);
    }
  });

  it('turns a truncated gzip into a LacakError FILE', async () => {
    const gz = gzipSync(readFileSync(MEMBERS));
    const err = await failure(readMembers(tempFile(gz.subarray(0, gz.length - 12))));
    expect(err).toBeInstanceOf(LacakError);
    expect((err as LacakError).code).toBe(LACAK_ERR.FILE);
  });

  it('reports a missing file as a LacakError', async () => {
    const err = await failure(readMembers(join(tmp, 'missing.csv')));
    expect(err).toBeInstanceOf(LacakError);
  });

  it('counts lines right when a CRLF is split across chunks and inside quoted fields', async () => {
    const stdin = Readable.from([
      `${HEADER}\r\nMBR-1,ORG-1,"PT\r`,
      `\nSatu",,,,Desk,a@b.example,+62 21 555 0101,\r`,
      `\n\r\nMBR-2,ORG-2,PT Dua,,,,Desk,a@b.example,+62 21 555 0102,\r\nMBR-3,ORG-3,PT Tiga,,,,Desk,bad,+62 21 555 0103,\n`,
    ]);
    const { objects, issues } = await collect(readMembers('-', { stdin }));
    expect(objects.map((o) => [o.key, o.line])).toEqual([
      ['MBR-1', 2],
      ['MBR-2', 5],
    ]);
    expect(objects[0]?.attributes).toContainEqual(['org-name', 'PT Satu']);
    expect(issues.map((i) => i.line)).toEqual([6]);
  });

  it('reads stdin for -', async () => {
    const stdin = Readable.from([`${HEADER}\nMBR-1,ORG-1,PT Satu,,,,Desk,a@b.example,+62 21 555 0101,\n`]);
    const { objects } = await collect(readMembers('-', { stdin }));
    expect(objects[0]).toMatchObject({ key: 'MBR-1', file: '<stdin>', line: 2 });
  });
});

describe('field validation helpers', () => {
  it('splits and canonicalises resources', () => {
    expect(splitResources('192.0.2.0 - 192.0.2.255; AS64496 - AS64511, 2001:db8::/32')).toEqual([
      '192.0.2.0-192.0.2.255',
      'AS64496-AS64511',
      '2001:db8::/32',
    ]);
    expect(canonicalResource('192.0.2.0/25')).toBe('192.0.2.0 - 192.0.2.127');
    expect(canonicalResource('2001:DB8:0::/48')).toBe('2001:db8::/48');
    expect(canonicalResource('as64496')).toBe('AS64496');
    expect(canonicalResource('64496')).toBeNull();
    expect(canonicalResource('192.0.2.1/24')).toBeNull();
    expect(canonicalResource('192.0.2.9-192.0.2.1')).toBeNull();
  });

  it('validates e-mail addresses and phones', () => {
    expect(isValidEmail('legal@contoh.co.id')).toBe(true);
    expect(isValidEmail('legal.desk+police@contoh.example')).toBe(true);
    for (const bad of ['legal', 'legal@', '@contoh.example', 'a b@contoh.example', 'legal@contoh', 'a@b@c.example']) {
      expect(isValidEmail(bad)).toBe(false);
    }
    expect(isValidPhone('+62 21 5150 1234')).toBe(true);
    expect(isValidPhone('+62-21-555-0100 ext. 12')).toBe(true);
    expect(isValidPhone('+622155501001')).toBe(true);
    for (const bad of ['021 555 0100', '+62 21', '+62 21 5555 5555 5555 55', 'call +62 21 555 0100', '+62 21 555 01OO']) {
      expect(isValidPhone(bad)).toBe(false);
    }
  });
});
