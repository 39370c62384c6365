// The RIPE query language as lacak parses it: flags, bundles, arguments, and the error
// numbers RIPE gives for queries it refuses (DESIGN §4).
import { describe, expect, it } from 'vitest';
import { FLAGS, flagHelp, parseQuery } from '../../../src/whois/flags.js';
import { errorLines } from '../../../src/whois/errors.js';

function flagsOf(line: string): Record<string, string> {
  const parsed = parseQuery(line);
  if (!parsed.ok) throw new Error(errorLines(parsed.error).join('\n'));
  return Object.fromEntries(parsed.query.flags);
}

function errorOf(line: string): number {
  const parsed = parseQuery(line);
  if (parsed.ok) throw new Error(`"${line}" was accepted`);
  return parsed.error.code;
}

describe('WHOIS query parsing', () => {
  it('reads single flags, bundles and arguments in both spellings', () => {
    expect(flagsOf('-r -T inetnum 192.0.2.1')).toEqual({ r: '', T: 'inetnum' });
    expect(flagsOf('-rBG 192.0.2.1')).toEqual({ r: '', B: '', G: '' });
    expect(flagsOf('-rTinetnum,inet6num 192.0.2.1')).toEqual({ r: '', T: 'inetnum,inet6num' });
    expect(flagsOf('--no-referenced --select-types=route 192.0.2.1')).toEqual({ r: '', T: 'route' });
    expect(flagsOf('-i mnt-by MAINT-X')).toEqual({ i: 'mnt-by' });
    expect(flagsOf('--list-versions ORG-X')).toEqual({ 'list-versions': '' });
    expect(flagsOf('--show-version 2 ORG-X')).toEqual({ 'show-version': '2' });
    expect(flagsOf('--at 2017-04-29T20:14:00 --tz Asia/Jakarta 192.0.2.1')).toEqual({ at: '2017-04-29T20:14:00', tz: 'Asia/Jakarta' });
  });

  it('keeps the rest of the line as the key, spaces and all', () => {
    const parsed = parseQuery('  -r   192.0.2.0 - 192.0.2.255  ');
    expect(parsed.ok && parsed.query.key).toBe('192.0.2.0 - 192.0.2.255');
    const name = parseQuery('PT Contoh Jaringan Nusantara');
    expect(name.ok && name.query.key).toBe('PT Contoh Jaringan Nusantara');
  });

  it('answers -k, -V and the server questions without a key', () => {
    expect(flagsOf('-k')).toEqual({ k: '' });
    expect(flagsOf('-V lacak-test-1.0')).toEqual({ V: 'lacak-test-1.0' });
    expect(flagsOf('-q version')).toEqual({ q: 'version' });
    expect(flagsOf('-t inetnum')).toEqual({ t: 'inetnum' });
    expect(flagsOf('-k -q sources')).toEqual({ k: '', q: 'sources' });
  });

  it.each([
    ['-Z 192.0.2.1', 111],
    ['--frobnicate 192.0.2.1', 111],
    ['-T', 111],
    ['-i', 111],
    ['--at', 111],
    ['--no-referenced=yes 192.0.2.1', 111],
    ['-r -r 192.0.2.1', 110],
    ['-rr 192.0.2.1', 110],
    ['-x -l 192.0.2.1', 901],
    ['-mM 192.0.2.1', 901],
    ['-c -L 192.0.2.1', 901],
    ['-b -K 192.0.2.1', 109],
    ['-a -s APNIC 192.0.2.1', 109],
    ['-i mnt-by -x MAINT-X', 109],
    ['-q version 192.0.2.1', 109],
    ['-t inetnum -r', 109],
    ['--list-versions --show-version 1 ORG-X', 109],
    ['', 106],
    ['-r', 106],
    ['-T inetnum', 106],
  ])('refuses "%s" with RIPE error %i', (line, code) => {
    expect(errorOf(line)).toBe(code);
  });

  it('prints errors as RIPE does: %ERROR:nnn: text, then % lines saying why', () => {
    const parsed = parseQuery('-x -l 192.0.2.1');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const lines = errorLines(parsed.error);
    expect(lines[0]).toBe('%ERROR:901: duplicate IP flags passed');
    expect(lines[1]).toBe('%');
    expect(lines[2]).toMatch(/^% More than one IP flag \(-x, -l\)/);
  });

  it('lists every flag of the table in the help, with its argument', () => {
    const help = flagHelp();
    expect(help).toHaveLength(FLAGS.length);
    for (const flag of FLAGS) expect(help.some((l) => l.includes(`--${flag.long}`) && (!flag.argument || l.includes(flag.argument)))).toBe(true);
  });
});
