// Who a client is for per-client limits, and IPv4 addresses written as IPv6.
import { describe, expect, it } from 'vitest';
import { clientKey, formatIp, parseIp, unmapIpv4 } from '../../../src/net/ip.js';

describe('clients and mapped addresses', () => {
  it('counts an IPv6 client by its /64 and an IPv4 client by its address, however the socket wrote it', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
    expect(clientKey('198.51.100.7')).toBe('198.51.100.7');
    // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
    expect(clientKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(clientKey('not an address')).toBe('not an address');
  });

  it('answers ::ffff:a.b.c.d as the IPv4 address, and leaves other IPv6 alone', () => {
    const mapped = unmapIpv4(parseIp('::ffff:198.51.100.41')!);
    expect(mapped.family).toBe(4);
    expect(formatIp(4, mapped.value)).toBe('198.51.100.41');
    expect(unmapIpv4(parseIp('2001:db8::1')!).family).toBe(6);
    expect(unmapIpv4(parseIp('::1')!).family).toBe(6);
  });
});
