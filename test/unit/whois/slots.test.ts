// The WHOIS slot table (issue 13, finding 7): caps per client address, per network (IPv4 /24,
// IPv6 /48) and in all, where at the total cap the longest-idle connection gives way.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientKey, networkKey } from '../../../src/net/ip.js';
import { ConnectionSlots } from '../../../src/whois/slots.js';

/** Enough of a socket for the slot table: an address, and 'close'. */
function fakeSocket(remoteAddress: string): Socket & { close(): void } {
  const socket = new EventEmitter() as EventEmitter & { remoteAddress: string; close(): void };
  socket.remoteAddress = remoteAddress;
  socket.close = () => socket.emit('close');
  return socket as unknown as Socket & { close(): void };
}

describe('networkKey', () => {
  it('is the IPv4 /24 and the IPv6 /48, IPv4-mapped addresses as IPv4', () => {
    expect(networkKey('192.0.2.77')).toBe('192.0.2.0/24');
    expect(networkKey('::ffff:192.0.2.77')).toBe('192.0.2.0/24');
    expect(networkKey('2001:db8:abcd:1234::1')).toBe('2001:db8:abcd::/48');
    expect(networkKey('2001:db8:abcd:ffff:1::9')).toBe('2001:db8:abcd::/48');
    // Per client, IPv6 is per /64: two /64s of one /48 are two clients in one network.
    expect(clientKey('2001:db8:abcd:1234::1')).not.toBe(clientKey('2001:db8:abcd:ffff:1::9'));
  });
});

describe('ConnectionSlots', () => {
  const limits = { maxConnections: 1000, maxPerClient: 2, maxPerNetwork: 3 };

  it('refuses a client address beyond its cap, then its network beyond the network cap', () => {
    const slots = new ConnectionSlots(limits);
    expect(slots.take(fakeSocket('192.0.2.1')).refusal).toBeNull();
    expect(slots.take(fakeSocket('192.0.2.1')).refusal).toBeNull();
    expect(slots.take(fakeSocket('192.0.2.1')).refusal).toBe('client');
    // The refused one still holds a slot (it is answered 306 and closes): the network has 3.
    expect(slots.take(fakeSocket('192.0.2.2')).refusal).toBe('network');
    expect(slots.take(fakeSocket('198.51.100.1')).refusal).toBeNull();
  });

  it('counts IPv6 clients per /64 and networks per /48', () => {
    const slots = new ConnectionSlots(limits);
    expect(slots.take(fakeSocket('2001:db8:1:1::1')).refusal).toBeNull();
    expect(slots.take(fakeSocket('2001:db8:1:1::2')).refusal).toBeNull();
    expect(slots.take(fakeSocket('2001:db8:1:1::3')).refusal).toBe('client');
    expect(slots.take(fakeSocket('2001:db8:1:2::1')).refusal).toBe('network');
    expect(slots.take(fakeSocket('2001:db8:2:1::1')).refusal).toBeNull();
  });

  it('frees a slot when its connection closes', () => {
    const slots = new ConnectionSlots(limits);
    const a = fakeSocket('192.0.2.1');
    slots.take(a);
    slots.take(fakeSocket('192.0.2.1'));
    a.close();
    expect(slots.size).toBe(1);
    expect(slots.take(fakeSocket('192.0.2.1')).refusal).toBeNull();
  });

  it('stops counting a connection against its client once answered, and only once', () => {
    const slots = new ConnectionSlots(limits);
    const a = fakeSocket('192.0.2.1');
    slots.take(a);
    slots.take(fakeSocket('192.0.2.1'));
    slots.answered(a);
    // Still open (reading its answer), in the total, but the client may open another now.
    expect(slots.size).toBe(2);
    const c = fakeSocket('192.0.2.1');
    expect(slots.take(c).refusal).toBeNull();
    // Its close later frees nothing twice: the client still has two counted.
    a.close();
    expect(slots.size).toBe(2);
    expect(slots.take(fakeSocket('192.0.2.1')).refusal).toBe('client');
  });

  it('at the total cap makes the longest-idle connection give way, not the new one', () => {
    const slots = new ConnectionSlots({ ...limits, maxConnections: 3 });
    const [a, b, c] = ['192.0.2.1', '198.51.100.1', '203.0.113.1'].map(fakeSocket) as [ReturnType<typeof fakeSocket>, ReturnType<typeof fakeSocket>, ReturnType<typeof fakeSocket>];
    for (const s of [a, b, c]) expect(slots.take(s).evicted).toEqual([]);
    // a sends a query: b is now the longest idle.
    slots.touch(a);
    const d = fakeSocket('192.0.2.9');
    const admitted = slots.take(d);
    expect(admitted.refusal).toBeNull();
    expect(admitted.evicted).toEqual([b]);
    expect(slots.size).toBe(3);
    // Its 'close' later does not free a second slot.
    b.close();
    expect(slots.size).toBe(3);
    expect(slots.take(fakeSocket('192.0.2.10')).evicted).toEqual([c]);
  });
});
