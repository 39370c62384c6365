// Issue 15: a chain of networks has one history for all its addresses unless a version that
// has ended covered only some of them; the page's cards are packed per chain only then.
import { describe, expect, it } from 'vitest';
import { RangeIndexBuilder } from '../../../src/index/range-index.js';
import { nodesOfOneHistory } from '../../../src/index/one-history.js';
import { ipKey, parseIp } from '../../../src/net/ip.js';

const v4 = (text: string) => parseIp(text)!.value;

/** A /16 allocation with one customer network inside it: three segments, two chain nodes. */
function registry() {
  const builder = new RangeIndexBuilder();
  builder.add(1, 4, ipKey(v4('10.1.0.0')), ipKey(v4('10.1.255.255')), 0);
  builder.add(2, 4, ipKey(v4('10.1.16.0')), ipKey(v4('10.1.16.255')), 0);
  const index = builder.build();
  const allocation = index.chainNodeOfText('10.1.0.1');
  const customer = index.chainNodeOfText('10.1.16.1');
  return { index, allocation, customer };
}

const ended = (start: string, end: string) => ({ family: 4 as const, start: v4(start), end: v4(end) });

describe('nodesOfOneHistory', () => {
  it('keeps every chain whole when no ended version exists', () => {
    const { index, allocation, customer } = registry();
    const one = nodesOfOneHistory(index, []);
    expect(one[allocation]).toBe(1);
    expect(one[customer]).toBe(1);
  });

  it('keeps a chain that an ended version covered entirely, all its segments', () => {
    const { index, allocation, customer } = registry();
    // An earlier version of the allocation itself, and of the customer network.
    const one = nodesOfOneHistory(index, [ended('10.1.0.0', '10.1.255.255'), ended('10.1.16.0', '10.1.16.255')]);
    expect(one[allocation]).toBe(1);
    expect(one[customer]).toBe(1);
  });

  it('splits a chain that an ended version covered in part', () => {
    const { index, allocation, customer } = registry();
    // An old customer network inside the customer's range: its addresses had another holder once.
    expect(nodesOfOneHistory(index, [ended('10.1.16.0', '10.1.16.127')])[customer]).toBe(0);
    // One that began before the allocation's first address and ended inside it.
    expect(nodesOfOneHistory(index, [ended('10.0.0.0', '10.1.3.255')])[allocation]).toBe(0);
  });

  it('splits a chain when an ended version covered one of its segments and not the other', () => {
    const { index, allocation, customer } = registry();
    // 10.1.0.0–10.1.16.255: the allocation's first segment and the customer, not the allocation's last segment.
    const one = nodesOfOneHistory(index, [ended('10.1.0.0', '10.1.16.255')]);
    expect(one[allocation]).toBe(0);
    expect(one[customer]).toBe(1);
  });
});
