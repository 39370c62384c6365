// DESIGN §2 "Between snapshots": the verdict on a change between snapshot S and the next, S′,
// for each rule, on hand-made answers (the sample registry shows only some of them).
import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../../../src/model/types.js';
import { judgeChange } from '../../../src/query/service.js';
import type { IpAnswer, Outcome } from '../../../src/query/types.js';

const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
const S = day('2025-06-01');
const NEXT = day('2026-01-01');
const T = day('2025-11-15');

let ids = 0;
function network(key: string, from: number, dates: { created?: string; lastModified?: string; org?: string } = {}): StoredObject {
  const attributes: [string, string][] = [['inetnum', key]];
  if (dates.org) attributes.push(['org', dates.org]);
  if (dates.created) attributes.push(['created', `${dates.created}T00:00:00Z`]);
  if (dates.lastModified) attributes.push(['last-modified', `${dates.lastModified}T00:00:00Z`]);
  return { id: ++ids, source: 'IDNIC', className: 'inetnum', key, attributes, references: [], file: '', line: 0, validFrom: from, validTo: null, importId: 1 };
}

function answer(holder: StoredObject, organisation: StoredObject | null = null): Outcome<IpAnswer> {
  return {
    kind: 'ok',
    value: {
      query: { text: '198.51.100.70', range: { family: 4, start: 0n, end: 0n }, port: null },
      asOf: { instant: T, requested: true, sources: [] },
      holder,
      holderName: null,
      organisation,
      chain: [holder],
      member: null,
      noMember: { kind: 'direct' },
      subAllocation: null,
      abuse: null,
      authority: { kind: 'this-registry' },
      change: null,
    },
  };
}

describe('judgeChange', () => {
  const before = answer(network('198.51.100.64 - 198.51.100.79', S, { lastModified: '2018-07-23' }));

  it('a holder network new in S′, created after S: its created date decides', () => {
    const after = answer(network('198.51.100.64 - 198.51.100.79', NEXT, { created: '2025-10-14', lastModified: '2025-12-20' }));
    const c = judgeChange(before, after, T, S, NEXT);
    expect(c).toMatchObject({ verdict: 'changed-before', decidedBy: { field: 'created', date: day('2025-10-14') }, previousLastModified: day('2018-07-23') });
    expect(judgeChange(before, after, day('2025-09-01'), S, NEXT).verdict).toBe('changed-after');
    // At the very instant it was created: before (at or before T).
    expect(judgeChange(before, after, day('2025-10-14'), S, NEXT).verdict).toBe('changed-before');
  });

  it('created before S (the same range changed): its last-modified decides', () => {
    const after = answer(network('198.51.100.64 - 198.51.100.79', NEXT, { created: '2011-03-01', lastModified: '2025-12-20' }));
    expect(judgeChange(before, after, T, S, NEXT)).toMatchObject({ verdict: 'changed-after', decidedBy: { field: 'last-modified', date: day('2025-12-20') } });
  });

  it('no dates at all: unknown', () => {
    const after = answer(network('198.51.100.64 - 198.51.100.79', NEXT));
    expect(judgeChange(before, after, T, S, NEXT)).toMatchObject({ verdict: 'unknown', decidedBy: null });
  });

  it('the very version that was there at S (a more specific one vanished): unknown', () => {
    const allocation = network('198.51.100.0 - 198.51.100.95', day('2020-01-01'), { created: '2011-02-07', lastModified: '2023-11-20' });
    expect(judgeChange(before, answer(allocation), T, S, NEXT)).toMatchObject({ verdict: 'unknown', decidedBy: null });
  });

  it('the same network, its organisation changed and was last modified after the instant: changed after', () => {
    const holder = network('198.51.100.0 - 198.51.100.95', day('2020-01-01'), { org: 'ORG-X' });
    const org = (from: number, lastModified: string): StoredObject => ({ ...network('ORG-X', from, { lastModified }), className: 'organisation' });
    const then = answer(holder, org(S, '2019-01-01'));
    expect(judgeChange(then, answer(holder, org(NEXT, '2025-12-01')), T, S, NEXT)).toMatchObject({ verdict: 'changed-after', decidedBy: { field: 'last-modified', date: day('2025-12-01') } });
    // Modified before the instant: that says nothing about when the holder changed.
    expect(judgeChange(then, answer(holder, org(NEXT, '2025-11-01')), T, S, NEXT).verdict).toBe('unknown');
  });

  it('nobody holds it at S′: unknown', () => {
    const gone: Outcome<IpAnswer> = { kind: 'notFound', notFound: { kind: 'not-assigned', registry: 'IDNIC' }, asOf: { instant: NEXT, requested: true, sources: [] } };
    expect(judgeChange(before, gone, T, S, NEXT)).toMatchObject({ verdict: 'unknown', next: { kind: 'notFound' } });
  });
});
