// allowList / denyList entries against the addresses a framework hands over: IPv6 entries match the
// IPv6 address as seen, IPv4 entries also the IPv4 client it stands for; address-shaped entries that
// do not parse are typed errors; key entries never match an "IP" that is not an address.
import { AccessLists, ErrorCodes, InvalidOptionError, clientIpKey, createKeyBuilders, type RequestAccess } from '@sluice/core';
import { thrownBy } from './fixtures/thrown-by.js';

interface Req {
  ip?: string | undefined;
  user?: string;
}

const access: RequestAccess<Req> = {
  ip: (req) => req.ip,
  socketIp: (req) => req.ip,
  header: () => undefined,
  method: () => 'GET',
  route: () => '/',
};

/** The default key: the client IP as the middleware keys it (ipv6Subnet 64). */
const ipKey = (ip: string) => clientIpKey(ip, 64);

function lists(options: { allowList?: unknown; denyList?: unknown }): AccessLists<Req> {
  const made = AccessLists.of(options as Record<string, unknown>, access);
  if (made === undefined) throw new Error('no lists');
  return made;
}

/** Does `entries` (as a deny list) hold the request from `ip`, keyed as the default key would? */
function denies(entries: string[], ip: string, key = ipKey(ip)): boolean {
  return lists({ denyList: entries }).match({ ip }, key) === 'deny';
}

// [what, address as the framework reports it, exact IPv6 entry (another text of it), range holding it, IPv4 client]
const embedding: Array<[string, string, string, string, string]> = [
  ['6to4 (RFC 3056)', '2002:c000:201:5::1', '2002:c000:0201:0005:0:0:0:1', '2002:c000:201::/48', '192.0.2.1'],
  ['Teredo (RFC 4380)', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001::4136:e378:8000:63bf:3fff:fdd2', '2001::/32', '192.0.2.45'],
  ['NAT64 well-known prefix (RFC 6052)', '64:ff9b::c000:201', '64:ff9b::192.0.2.1', '64:ff9b::/96', '192.0.2.1'],
  ['IPv4-mapped (RFC 4291)', '::ffff:192.0.2.1', '::ffff:c000:201', '::ffff:0:0/96', '192.0.2.1'],
  ['IPv4-translated (RFC 2765)', '::ffff:0:192.0.2.1', '::ffff:0:c000:201', '::ffff:0:0:0/96', '192.0.2.1'],
  ['IPv4-compatible (RFC 4291, deprecated)', '::192.0.2.1', '::c000:201', '::/96', '192.0.2.1'],
];

describe('IPv6 addresses that embed an IPv4 client', () => {
  test.each(embedding)('%s: an exact IPv6 entry and a range holding it match the address as seen', (_what, ip, exact, range) => {
    expect(ipKey(ip)).not.toContain(':'); // the client key is the IPv4 client, not the address
    expect(denies([exact], ip)).toBe(true);
    expect(denies([range], ip)).toBe(true);
    expect(denies([ip], ip)).toBe(true);
    expect(lists({ allowList: [range] }).match({ ip }, ipKey(ip))).toBe('allow');
  });

  test.each(embedding)('%s: brackets and a port around it change nothing', (_what, ip, exact, range) => {
    expect(denies([exact], `[${ip}]`)).toBe(true);
    expect(denies([range], `[${ip}]:443`)).toBe(true);
  });

  test.each(embedding)('%s: an IPv4 entry matches the IPv4 client it stands for', (_what, ip, _exact, _range, client) => {
    expect(denies([client], ip)).toBe(true);
    expect(denies([`${client.split('.').slice(0, 3).join('.')}.0/24`], ip)).toBe(true);
    expect(denies(['203.0.113.0/24'], ip)).toBe(false);
  });

  test.each(embedding)('%s: another IPv6 address in another range does not match', (_what, ip) => {
    expect(denies(['2001:db8::/32', '2002:cb00:7100::/40', '::ffff:203.0.113.0/120', '64:ff9b::cb00:7100/120'], ip)).toBe(false);
  });
});

describe('IPv4-mapped entries and plain IPv4 clients', () => {
  test('an IPv4-mapped entry names the IPv4 host, however the framework writes the peer', () => {
    expect(denies(['::ffff:192.0.2.1'], '192.0.2.1')).toBe(true);
    expect(denies(['::ffff:192.0.2.0/120'], '192.0.2.77')).toBe(true);
    expect(denies(['::ffff:0:0/96'], '198.51.100.7')).toBe(true);
    expect(denies(['::ffff:192.0.2.0/120'], '192.0.3.1')).toBe(false);
    // It is that IPv4 range in full: the IPv4 clients of 6to4 and NAT64 addresses too.
    expect(denies(['::ffff:192.0.2.0/120'], '2002:c000:201:5::1')).toBe(true);
    expect(denies(['::ffff:192.0.2.0/120'], '64:ff9b::192.0.2.1')).toBe(true);
  });

  test('other IPv6 entries never match a plain IPv4 client (::/0 is every IPv6 address, not every client)', () => {
    expect(denies(['::/0'], '192.0.2.1')).toBe(false);
    expect(denies(['::/0'], '2001:db8::1')).toBe(true);
    expect(denies(['2002:c000:201::/48', '64:ff9b::/96', '::192.0.2.1'], '192.0.2.1')).toBe(false);
  });

  test('IPv4 entries match IPv4 as seen, with or without a port', () => {
    expect(denies(['192.0.2.0/24'], '192.0.2.9')).toBe(true);
    expect(denies(['192.0.2.9'], '192.0.2.9:51234')).toBe(true);
    expect(denies(['0.0.0.0/0'], '203.0.113.1')).toBe(true);
    expect(denies(['192.0.2.0/24'], '192.0.3.9')).toBe(false);
    expect(denies(['0.0.0.0/0'], '2001:db8::1')).toBe(false);
  });

  test('the local host: 127.0.0.1 stands for all of 127.0.0.0/8 and ::1, as in the client key', () => {
    expect(denies(['127.0.0.1'], '127.5.6.7')).toBe(true);
    expect(denies(['127.5.6.7'], '127.5.6.7')).toBe(true);
    expect(denies(['127.5.6.7'], '127.0.0.1')).toBe(false);
    expect(denies(['127.0.0.1'], '::1')).toBe(true);
    expect(denies(['::1'], '::1')).toBe(true);
    expect(denies(['127.0.0.1'], '::ffff:127.0.0.9')).toBe(true);
    expect(denies(['::1'], '127.0.0.1')).toBe(false);
  });

  test('a link-local peer with a zone id matches a range without one', () => {
    expect(denies(['fe80::/10'], 'fe80::1%eth0')).toBe(true);
    expect(denies(['fe80::1'], 'fe80::1%eth0')).toBe(true);
    expect(denies(['fe80::2'], 'fe80::1%eth0')).toBe(false);
  });
});

describe('entries shaped like an IP or CIDR range must parse as one', () => {
  const malformed = [
    '10.0.0.0 /8',
    ' 10.0.0.1',
    '10.0.0.1 ',
    '10.0.0.0/ 8',
    '10.0.0.0\t/8',
    '2001:db8:: /32',
    ' ::1',
    '010.0.0.1',
    '10.0.0',
    '10.1',
    '10.0.0.256',
    '1.2.3.4.5',
    '10.0.0.0/8/8',
    '10.0.0.0/8 ',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '10.0.0.1:8080',
    '2001:db8:::1',
    '2001:db8::/129',
    '2001:db8::g',
    '[2001:db8::1]',
    '[2001:db8::1]:443',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7:8:9',
  ];

  test.each(malformed)('%j is an InvalidOptionError naming the list and index', (entry) => {
    for (const list of ['allowList', 'denyList'] as const) {
      const error = thrownBy(() => lists({ [list]: ['health-checker', entry] }));
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: `${list}[1]`, value: entry });
    }
  });

  test('a space in an otherwise good address says to remove it', () => {
    expect(String(thrownBy(() => lists({ allowList: ['10.0.0.0 /8'] })))).toMatch(/allowList\[0\].*without spaces/);
  });

  test('a blank entry is refused like an empty one', () => {
    expect(thrownBy(() => lists({ denyList: ['ok', ' '] }))).toMatchObject({ option: 'denyList[1]' });
    expect(thrownBy(() => lists({ denyList: ['ok', ''] }))).toMatchObject({ option: 'denyList[1]' });
  });

  const keys = ['health-checker', 'health checker', 'user=42', 'x-api-key=abc 123', 'deadbeef', 'cafe:babe', '42', 'v1.2.3', 'tenant:acme:7', 'GET /login 10.0.0.1'];
  test.each(keys)('%j is still a client key', (entry) => {
    const made = lists({ allowList: [entry] });
    expect(made.match({ ip: '192.0.2.1' }, entry)).toBe('allow');
    expect(made.match({ ip: '192.0.2.1' }, `${entry}!`)).toBeUndefined();
  });

  test('good IPs and ranges with host bits set are accepted', () => {
    expect(denies(['10.1.2.3/8'], '10.200.0.1')).toBe(true);
    expect(denies(['2001:db8::1/32'], '2001:db8:ffff::1')).toBe(true);
  });
});

describe('key entries match the client key, never an "IP" that is not an address', () => {
  test('a resolved IP that is the text of a key entry does not match it (a forged X-Forwarded-For)', () => {
    const made = lists({ allowList: ['health-checker'], denyList: ['banned'] });
    expect(made.match({ ip: 'health-checker' }, ipKey('health-checker'))).toBeUndefined();
    expect(made.match({ ip: 'banned' }, ipKey('banned'))).toBeUndefined();
  });

  test('the same with a user key whose fallback is the IP', () => {
    const keys = createKeyBuilders(access);
    const key = keys.user((req) => req.user) as (req: Req) => string;
    const forged: Req = { ip: 'user=42' };
    expect(key(forged)).toBe('?user=42');
    expect(lists({ allowList: ['?user=42'] }).match(forged, key(forged))).toBeUndefined();
    expect(lists({ allowList: ['user=42'] }).match({ ip: '192.0.2.1', user: '42' }, key({ ip: '192.0.2.1', user: '42' }))).toBe('allow');
  });

  test('a key entry matches the client key when the IP is an address, unknown, or unrelated text', () => {
    const made = lists({ allowList: ['vip'] });
    expect(made.match({ ip: '192.0.2.1' }, 'vip')).toBe('allow');
    expect(made.match({ ip: '2002:c000:201::1' }, 'vip')).toBe('allow');
    expect(made.match({ ip: undefined }, 'vip')).toBe('allow');
    expect(made.match({ ip: '' }, 'vip')).toBe('allow');
    expect(made.match({ ip: 'unknown' }, 'vip')).toBe('allow');
    expect(made.match({ ip: 'vip' }, 'vip')).toBeUndefined();
  });

  test('an IP entry never matches by the client key, only by the IP', () => {
    const made = lists({ denyList: ['192.0.2.1'] });
    expect(made.match({ ip: '203.0.113.5' }, '192.0.2.1')).toBeUndefined();
    expect(made.match({ ip: '192.0.2.1' }, 'someone')).toBe('deny');
  });
});
