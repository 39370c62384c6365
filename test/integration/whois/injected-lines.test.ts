// Registry text that tries to write lines of its own into answers (issue 13, finding 4): a
// continuation line `+ ReferralServer: whois://...` in an `org-name:` or `descr:` (members
// write `descr:` on their customers' assignments), a carriage return or another line breaker
// inside a value, a `|` in a Cymru field. Every `%` line and every Cymru field stays one line,
// and RPSL text keeps its continuation syntax, so no value can start an attribute or a line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../../src/importers/run-import.js';
import { LookupService } from '../../../src/query/service.js';
import { parseRpslText } from '../../../src/rpsl/parse.js';
import { renderRpsl } from '../../../src/rpsl/render.js';
import { CymruSession } from '../../../src/whois/cymru.js';
import { WhoisHandler } from '../../../src/whois/handler.js';
import { importText, quietLog, tempRegistry, testConfig } from '../../helpers/registry.js';

const T1 = '2026-01-01T00:00:00Z';
const EVIL = 'ReferralServer: whois://whois.evil.example:43';

/**
 * Everything some reader takes for the end of a line: LF, CR, VT, FF, FS/GS/RS, NEL, LS and PS
 * (Python's str.splitlines(), which WHOIS and Cymru client scripts use), and other controls
 * but the tab (which neither ends a line nor drives a terminal).
 */
const BREAKS_OR_CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

const REGISTRY = [
  // A member whose name carries a continuation line: the `% Responsible member:` line.
  `organisation:   ORG-JHT1-IDNIC
org-name:       PT Jahat Nusantara
+ ${EVIL}
org-type:       LIR
mnt-ref:        MAINT-JHT
mnt-by:         MAINT-JHT
source:         IDNIC
`,
  `inetnum:        192.0.2.0 - 192.0.2.255
netname:        JAHAT-ID
descr:          allocation
org:            ORG-JHT1-IDNIC
country:        ID
admin-c:        AJ1-IDNIC
tech-c:         AJ1-IDNIC
status:         ALLOCATED PORTABLE
abuse-c:        AJ1-IDNIC
mnt-by:         MAINT-JHT
source:         IDNIC
`,
  // A customer's assignment, no organisation: its holder name is its first descr.
  `inetnum:        192.0.2.0 - 192.0.2.63
netname:        TOKO-ID
descr:          Toko Kecil
+ ${EVIL}
descr:          second line
country:        ID
admin-c:        AJ1-IDNIC
tech-c:         AJ1-IDNIC
status:         ASSIGNED NON-PORTABLE
mnt-by:         MAINT-JHT
source:         IDNIC
`,
  // A carriage return inside a line (a terminal then prints the rest over it, and
  // splitlines() starts a line there), an escape sequence, and a `|` for Cymru.
  `inetnum:        192.0.2.64 - 192.0.2.127
netname:        WARUNG-ID
descr:          Warung | Kopi\r${EVIL}\u001b[2J
country:        ID
admin-c:        AJ1-IDNIC
tech-c:         AJ1-IDNIC
status:         ASSIGNED NON-PORTABLE
mnt-by:         MAINT-JHT
source:         IDNIC
`,
  // Line breakers only some readers know: NEL and LS.
  `inetnum:        192.0.2.128 - 192.0.2.191
netname:        PASAR-ID
descr:          Pasar\u0085${EVIL}\u2028${EVIL}
country:        ID
admin-c:        AJ1-IDNIC
tech-c:         AJ1-IDNIC
status:         ASSIGNED NON-PORTABLE
mnt-by:         MAINT-JHT
source:         IDNIC
`,
  `role:           Abuse Jahat
nic-hdl:        AJ1-IDNIC
abuse-mailbox:  abuse@jahat.example
+ ${EVIL}
mnt-by:         MAINT-JHT
source:         IDNIC
`,
  `mntner:         MAINT-JHT
admin-c:        AJ1-IDNIC
auth:           BCRYPT-PW $2a$12$secretsecretsecretsecret
mnt-by:         MAINT-JHT
source:         IDNIC
`,
].join('\n');

/** The member's legal-request desk, from the members CSV, where a quoted field may hold a newline. */
const MEMBERS = `member_id,org_handle,org_name,opaque_id,country,resources,legal_contact_name,legal_contact_email,legal_contact_phone,abuse_email
IDNIC-0999,ORG-JHT1-IDNIC,PT Jahat Nusantara,,ID,192.0.2.0-192.0.2.255,"Meja Hukum
${EVIL}",legal@jahat.example,+62 21 5550 1234,abuse@jahat.example
`;

const ADDRESSES = ['192.0.2.5', '192.0.2.5:51234', '192.0.2.70', '192.0.2.70:443', '192.0.2.130', '192.0.2.130:8080'];

describe('registry data cannot add lines to WHOIS and Cymru answers', () => {
  let reg: ReturnType<typeof tempRegistry>;
  let service: LookupService;
  let handler: WhoisHandler;

  beforeAll(async () => {
    reg = tempRegistry();
    const report = await importText(reg.db, reg.dir, REGISTRY, T1);
    expect(report.rejected).toBe(0);
    const members = join(reg.dir, 'members.csv');
    writeFileSync(members, MEMBERS);
    await importFiles(reg.db, { files: [members], format: 'members-csv', at: Date.parse(T1) }, quietLog);
    service = new LookupService(reg.db, testConfig(reg.path), quietLog);
    handler = new WhoisHandler({ service, server: { host: 'whois.test', registry: 'IDNIC', version: 'test' }, limits: { queriesPerMinute: 600, bulkLines: 100 } });
  });
  afterAll(() => reg?.cleanup());

  it('WHOIS: every line of every answer is one line, and none is a referral', () => {
    // The crafted values reach the answers (else the rest proves nothing).
    const answer = service.lookupAddress('192.0.2.5:51234', {});
    expect(answer.kind === 'ok' && answer.value.holderName?.text).toContain(`\n${EVIL}`);
    expect(answer.kind === 'ok' && answer.value.member?.name).toContain(`\n${EVIL}`);
    expect(answer.kind === 'ok' && answer.value.member?.legalContact?.name).toContain(EVIL);
    for (const query of [...ADDRESSES, '-F 192.0.2.5', '-b 192.0.2.5', '-B 192.0.2.70', 'ORG-JHT1-IDNIC', 'AJ1-IDNIC']) {
      const { lines } = handler.answer(query);
      expect(lines.join('\n'), query).toContain('ReferralServer: whois://whois.evil.example:43');
      for (const line of lines) {
        expect(line, `${query}: ${JSON.stringify(line)}`).not.toMatch(BREAKS_OR_CONTROLS);
        // Some clients trim a line before they look (RPSL continuation lines are indented).
        expect(line.trim(), query).not.toMatch(/^ReferralServer:/i);
      }
      // The answer as a client reads it, split at every line breaker: still no referral line.
      const text = `${lines.join('\n')}\n`;
      for (const line of text.split(/\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/)) expect(line.trim(), query).not.toMatch(/^ReferralServer:/i);
    }
  });

  it('WHOIS keeps the % lines readable: the continuation joined with a space', () => {
    const { lines } = handler.answer('192.0.2.5:51234');
    expect(lines).toContain(`% Holder: Toko Kecil ${EVIL}`);
    expect(lines.some((l) => l.startsWith(`% Responsible member: PT Jahat Nusantara ${EVIL} (ORG-JHT1-IDNIC`))).toBe(true);
    expect(lines.join('\n')).toContain(`Meja Hukum ${EVIL}, legal@jahat.example`);
  });

  it('WHOIS RPSL text keeps the continuation syntax: a value line never starts an attribute', () => {
    const { lines } = handler.answer('-r 192.0.2.5');
    const at = lines.findIndex((l) => l.startsWith('inetnum:        192.0.2.0 - 192.0.2.63'));
    const object = lines.slice(at, lines.indexOf('', at));
    // The continuation line that reads like an attribute is written with `+`, in the same column.
    expect(object).toContain(`+               ${EVIL}`);
    for (const line of object) expect(line).toMatch(/^(?:[a-z0-9-]+:(?: |$)|[ \t+])/);
    expect(object.filter((l) => /^[a-z0-9-]+:/.test(l)).map((l) => l.split(':')[0])).toEqual(['inetnum', 'netname', 'descr', 'descr', 'country', 'admin-c', 'tech-c', 'status', 'mnt-by', 'source']);
  });

  it('RPSL rendering: every line break in a value becomes a continuation line, other controls but tab a space', () => {
    const text = renderRpsl([
      ['descr', `one\n${EVIL}`],
      ['descr', `two\r\n${EVIL}\r${EVIL}\u0085${EVIL}\u2028${EVIL}\u000b${EVIL}`],
      ['remarks', 'tab\there, escape\u001b[31m, nul\u0000end'],
    ]);
    const lines = text.replace(/\n$/, '').split('\n');
    for (const line of lines) {
      expect(line).not.toMatch(BREAKS_OR_CONTROLS);
      expect(line).toMatch(/^(?:(?:descr|remarks):|[ \t+])/);
    }
    expect(lines.filter((l) => l.startsWith('+ ')).length).toBe(6);
    expect(lines.at(-1)).toBe('remarks:        tab\there, escape [31m, nul end');
    // Parsed back, each value is the text it was, line for line.
    const parsed = parseRpslText(`inetnum: 192.0.2.0 - 192.0.2.255\n${text}`)[0]!.object!;
    expect(parsed.attributes.slice(1).map((a) => a.value)).toEqual([`one\n${EVIL}`, `two\n${EVIL}\n${EVIL}\n${EVIL}\n${EVIL}\n${EVIL}`, 'tab\there, escape [31m, nul end']);
  });

  it('Cymru: exactly one line per address, with the fields each option asks for', () => {
    for (const options of [[], ['verbose'], ['lacak'], ['verbose', 'lacak', 'notruncate']]) {
      const s = new CymruSession(service);
      for (const o of options) expect(s.line(o, 2)).toBeNull();
      const width = 5 + (options.includes('verbose') ? 2 : 0) + (options.includes('lacak') ? 4 : 0);
      for (const address of ADDRESSES) {
        const answer = s.line(address, 3);
        expect(answer, JSON.stringify(answer)).not.toMatch(BREAKS_OR_CONTROLS);
        expect(answer!.split('|'), `${options.join(',')} ${address}: ${answer}`).toHaveLength(width);
      }
    }
    const s = new CymruSession(service);
    s.line('lacak', 2);
    const fields = s.line('192.0.2.70', 3)!.split('|').map((f) => f.trim());
    expect(fields.slice(5)).toEqual([`Warung / Kopi ${EVIL} [2J`, `PT Jahat Nusantara ${EVIL} (ORG-JHT1-IDNIC)`, `abuse@jahat.example ${EVIL}`, 'ASSIGNED NON-PORTABLE']);
  });
});
