import { clientIpKey } from '@sluice/core';

// One row per range of IANA's IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890), plus
// the address forms a framework can hand over: [range, example, key with /64 grouping,
// key with ipv6Subnet: false]. The same table, with reasons, is in docs/client-keys.md.
type Row = [range: string, address: string, grouped: string, whole: string];

const ipv4: Row[] = [
  ['0.0.0.0/8 "this network" (RFC 791, 1122)', '0.1.2.3', '0.1.2.3', '0.1.2.3'],
  ['10.0.0.0/8 private-use (RFC 1918)', '10.1.2.3', '10.1.2.3', '10.1.2.3'],
  ['100.64.0.0/10 shared, CGN (RFC 6598)', '100.64.9.9', '100.64.9.9', '100.64.9.9'],
  ['127.0.0.0/8 loopback (RFC 1122)', '127.0.0.1', '127.0.0.1', '127.0.0.1'],
  ['127.0.0.0/8 loopback, another address', '127.5.6.7', '127.0.0.1', '127.0.0.1'],
  ['169.254.0.0/16 link-local (RFC 3927)', '169.254.1.2', '169.254.1.2', '169.254.1.2'],
  ['172.16.0.0/12 private-use (RFC 1918)', '172.16.5.4', '172.16.5.4', '172.16.5.4'],
  ['192.0.0.0/24 IETF protocol assignments (RFC 6890)', '192.0.0.9', '192.0.0.9', '192.0.0.9'],
  ['192.0.0.0/29 IPv4 service continuity, DS-Lite (RFC 7335)', '192.0.0.2', '192.0.0.2', '192.0.0.2'],
  ['192.0.2.0/24 documentation (RFC 5737)', '192.0.2.1', '192.0.2.1', '192.0.2.1'],
  ['192.88.99.0/24 6to4 relay anycast, deprecated (RFC 7526)', '192.88.99.1', '192.88.99.1', '192.88.99.1'],
  ['192.168.0.0/16 private-use (RFC 1918)', '192.168.1.1', '192.168.1.1', '192.168.1.1'],
  ['198.18.0.0/15 benchmarking (RFC 2544)', '198.18.0.1', '198.18.0.1', '198.18.0.1'],
  ['198.51.100.0/24 documentation (RFC 5737)', '198.51.100.7', '198.51.100.7', '198.51.100.7'],
  ['203.0.113.0/24 documentation (RFC 5737)', '203.0.113.7', '203.0.113.7', '203.0.113.7'],
  ['240.0.0.0/4 reserved (RFC 1112)', '240.0.0.1', '240.0.0.1', '240.0.0.1'],
  ['255.255.255.255/32 limited broadcast (RFC 919)', '255.255.255.255', '255.255.255.255', '255.255.255.255'],
];

const ipv6: Row[] = [
  ['::1/128 loopback (RFC 4291 §2.5.3): the local host, as 127.0.0.0/8', '::1', '127.0.0.1', '127.0.0.1'],
  ['::/128 unspecified (RFC 4291 §2.5.2): alone, never a network', '::', '::', '::'],
  ['::ffff:0:0/96 IPv4-mapped (RFC 4291 §2.5.5.2)', '::ffff:198.51.100.7', '198.51.100.7', '198.51.100.7'],
  ['::ffff:0:0/96 IPv4-mapped, hex form', '::ffff:c633:6407', '198.51.100.7', '198.51.100.7'],
  ['::ffff:0:0/96 IPv4-mapped loopback', '::ffff:127.0.0.1', '127.0.0.1', '127.0.0.1'],
  ['::ffff:0:0:0/96 IPv4-translated (RFC 2765 §2.1)', '::ffff:0:198.51.100.7', '198.51.100.7', '198.51.100.7'],
  ['::/96 IPv4-compatible, deprecated (RFC 4291 §2.5.5.1)', '::198.51.100.7', '198.51.100.7', '198.51.100.7'],
  ['64:ff9b::/96 NAT64 well-known prefix (RFC 6052)', '64:ff9b::198.51.100.7', '198.51.100.7', '198.51.100.7'],
  ['64:ff9b::/96 NAT64, hex form', '64:ff9b::c633:6407', '198.51.100.7', '198.51.100.7'],
  ['64:ff9b:1::/48 local-use NAT64 (RFC 8215): the whole address', '64:ff9b:1:0:0:0:c633:6407', '64:ff9b:1::c633:6407', '64:ff9b:1::c633:6407'],
  ['100::/64 discard-only (RFC 6666)', '100::1', '100::/64', '100::1'],
  ['2001::/23 IETF protocol assignments (RFC 2928)', '2001:1::1', '2001:1::/64', '2001:1::1'],
  // Teredo: server 65.54.227.120, client 192.0.2.45 obfuscated as 3fff:fdd2 (RFC 4380 §4 example style).
  ['2001::/32 Teredo (RFC 4380 §4): the client public IPv4', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '192.0.2.45', '192.0.2.45'],
  ['2001:2::/48 benchmarking (RFC 5180)', '2001:2::5', '2001:2::/64', '2001:2::5'],
  ['2001:20::/28 ORCHIDv2 (RFC 7343)', '2001:20::1', '2001:20::/64', '2001:20::1'],
  ['2001:db8::/32 documentation (RFC 3849)', '2001:db8:1:2:3::4', '2001:db8:1:2::/64', '2001:db8:1:2:3::4'],
  ['2002::/16 6to4 (RFC 3056 §2): the site IPv4', '2002:c633:6407:1::9', '198.51.100.7', '198.51.100.7'],
  ['2002::/16 6to4, another subnet and host of the same site', '2002:c633:6407:ffff::1', '198.51.100.7', '198.51.100.7'],
  ['2620:4f:8000::/48 AS112 direct delegation (RFC 7534)', '2620:4f:8000::1', '2620:4f:8000::/64', '2620:4f:8000::1'],
  ['3fff::/20 documentation (RFC 9637)', '3fff:1::1', '3fff:1::/64', '3fff:1::1'],
  ['5f00::/16 SRv6 SIDs (RFC 9602)', '5f00:1:2:3::1', '5f00:1:2:3::/64', '5f00:1:2:3::1'],
  ['fc00::/7 unique local (RFC 4193): grouped like any', 'fd12:3456:789a:1::1', 'fd12:3456:789a:1::/64', 'fd12:3456:789a:1::1'],
  ['fe80::/10 link-local (RFC 4291 §2.5.6), zone kept', 'fe80::1%eth0', 'fe80::/64%eth0', 'fe80::1%eth0'],
  ['fe80::/10 link-local on another link', 'fe80::1%eth1', 'fe80::/64%eth1', 'fe80::1%eth1'],
  ['ff00::/8 multicast (never a source): grouped like any', 'ff02::1', 'ff02::/64', 'ff02::1'],
  ['global unicast', '2a00:1450:4001:81c::200e', '2a00:1450:4001:81c::/64', '2a00:1450:4001:81c::200e'],
];

// Forms a framework can hand over from a trusted X-Forwarded-For entry.
const forms: Row[] = [
  ['IPv4 with a port (Azure Application Gateway)', '198.51.100.7:51234', '198.51.100.7', '198.51.100.7'],
  ['bracketed IPv6', '[2001:db8::1]', '2001:db8::/64', '2001:db8::1'],
  ['bracketed IPv6 with a port', '[2001:db8::1]:443', '2001:db8::/64', '2001:db8::1'],
  ['bracketed IPv4-mapped with a port', '[::ffff:198.51.100.7]:443', '198.51.100.7', '198.51.100.7'],
  ['IPv4 with leading zeros: not an address, never reinterpreted', '010.0.0.1', '010.0.0.1', '010.0.0.1'],
  ['short IPv4 (inet_aton): not an address', '127.1', '127.1', '127.1'],
  ['loopback with leading zeros: not an address', '127.000.000.001', '127.000.000.001', '127.000.000.001'],
  ['IPv4 with an out-of-range port: not an address', '198.51.100.7:70000', '198.51.100.7:70000', '198.51.100.7:70000'],
  ['not an IP at all', 'unknown', 'unknown', 'unknown'],
  ['upper-case, zero-padded IPv6', '2001:0DB8:0000::0001', '2001:db8::/64', '2001:db8::1'],
];

describe('which client an address belongs to (IANA special-purpose registries)', () => {
  describe.each([
    ['IPv4', ipv4],
    ['IPv6', ipv6],
    ['address forms', forms],
  ])('%s', (_name, rows) => {
    it('has rows', () => {
      expect(rows.length).toBeGreaterThan(5);
    });
    it.each(rows)('%s: %s', (_range, address, grouped, whole) => {
      expect(clientIpKey(address, 64)).toBe(grouped);
      expect(clientIpKey(address, false)).toBe(whole);
    });
  });

  it('puts a dual-stack client in one bucket whichever IPv4-in-IPv6 form it arrives in', () => {
    const forms = ['198.51.100.7', '::ffff:198.51.100.7', '64:ff9b::198.51.100.7', '2002:c633:6407::1', '[::ffff:198.51.100.7]:80'];
    const keys = new Set(forms.map((address) => clientIpKey(address, 64)));
    expect([...keys]).toEqual(['198.51.100.7']);
  });

  it('keeps distinct clients apart across the embedded-IPv4 forms', () => {
    const addresses = ['198.51.100.7', '198.51.100.8', '64:ff9b::198.51.100.9', '2002:c633:640a::1', '2001:0:4136:e378:8000:63bf:3fff:fdd1', '::1', '::'];
    expect(new Set(addresses.map((address) => clientIpKey(address, 64))).size).toBe(addresses.length);
  });

  it('never lets the loopback key absorb a routable address', () => {
    for (const address of ['128.0.0.1', '126.255.255.255', '::2', '1::1']) expect(clientIpKey(address, 64)).not.toBe('127.0.0.1');
  });
});
