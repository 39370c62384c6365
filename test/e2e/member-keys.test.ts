// `lacak keys add --role member --org` names a member (issue #13, finding 5): an organisation
// in the members list or of `org-type: LIR`, in the registry as it is. A customer (here the
// sample's village ISP, holding a sub-allocation inside a member's allocation) or a handle
// nobody holds is refused in one line, and no key is made.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleRegistry } from '../../src/sample.js';
import { CLI, SAMPLE_DIR, quietLog, tempDir } from '../helpers/registry.js';

const tmp = tempDir();
const db = join(tmp.dir, 'registry.sqlite');
beforeAll(() => buildSampleRegistry(SAMPLE_DIR, db, quietLog));
afterAll(() => tmp.cleanup());

function lacak(args: string[], registry = db) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--db', registry], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const addMember = (org: string, registry = db) => lacak(['keys', 'add', '--role', 'member', '--label', `key for ${org}`, '--org', org], registry);

function expectRefused(r: ReturnType<typeof lacak>, reason: RegExp): void {
  expect(r.status).not.toBe(0);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^lacak: /);
  expect(lines[0]).toMatch(reason);
}

describe('lacak keys add --role member', () => {
  it('refuses an organisation nobody holds and a customer that is no member; takes a member', () => {
    expectRefused(addMember('ORG-DOESNOTEXIST'), /--org: no organisation ORG-DOESNOTEXIST in the registry; member keys are for members/);
    // org-type OTHER, sub-allocated 198.51.100.160/27 by AWANKILAT, not in members.csv.
    expectRefused(addMember('ORG-JDS1-IDNIC'), /--org: ORG-JDS1-IDNIC is not a member \(org-type OTHER, not in the members list\)/);
    // An APNIC direct member is an LIR, of APNIC: no member of IDNIC.
    expectRefused(addMember('ORG-CLA1-AP'), /--org: ORG-CLA1-AP is an LIR in APNIC's data, not a member of IDNIC/);
    expect(lacak(['keys', 'list']).stdout).toBe('');

    const member = addMember('org-cjn1-idnic');
    expect(member.status, member.stderr).toBe(0);
    expect(member.stdout).toMatch(/^key 1\tmember ORG-CJN1-IDNIC\t"key for org-cjn1-idnic"\t/);
  });

  it('refuses a member key when there is no registry to find the member in', () => {
    expectRefused(addMember('ORG-CJN1-IDNIC', join(tmp.dir, 'missing.sqlite')), /registry database .*missing\.sqlite does not exist/);
  });
});
