import {
  ErrorCodes,
  apartFromNamedKeys,
  canonicalIpv6,
  clientIpKey,
  createKeyBuilders,
  ipv6Network,
  isIpv6,
  parseIpv4,
  assertIpv6Subnet,
  normalizeRoutePath,
  type RequestAccess,
  type RouteMatching,
  type SluiceWarning,
} from '@sluice/core';

describe('IPv6 canonical form (RFC 5952)', () => {
  it.each([
    ['2001:db8::1', '2001:db8::1'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run wins
    ['fe80::1%eth0', 'fe80::1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalIpv6(input)).toBe(expected);
  });

  it.each(['', ':', ':::', '1:::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::1', 'g::1', '1:', ':1', '::1.2.3', '::256.1.1.1', '1:2:3:4:5:6:7:1.2.3.4'])(
    'rejects %j',
    (input) => {
      expect(isIpv6(input)).toBe(false);
      expect(canonicalIpv6(input)).toBeUndefined();
    },
  );
});

describe('IPv4 parsing', () => {
  it('parses dotted quads and rejects anything else', () => {
    expect(parseIpv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('10.0.0.100')).toBe(0x0a000064);
    // Leading zeros (octal to inet_aton, decimal to others) and short forms are not addresses.
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.0.0.1', '1..2.3', 'a.b.c.d', '1.2.3.4 ', '010.0.0.1', '1.2.3.04', '00.0.0.0', '127.1', '2130706433']) {
      expect(parseIpv4(bad)).toBe(-1);
    }
  });
});

describe('client IP keys', () => {
  it('groups 2001:db8::1 and 2001:db8::ffff into one /64, but not 2001:db9::1', () => {
    expect(clientIpKey('2001:db8::1', 64)).toBe('2001:db8::/64');
    expect(clientIpKey('2001:db8::ffff', 64)).toBe('2001:db8::/64');
    expect(clientIpKey('2001:db9::1', 64)).toBe('2001:db9::/64');
  });

  it('masks prefixes that do not fall on a group boundary', () => {
    expect(ipv6Network('2001:db8:abcd:ef12::1', 56)).toBe('2001:db8:abcd:ef00::/56');
    expect(ipv6Network('2001:db8:ffff::1', 33)).toBe('2001:db8:8000::/33');
    expect(ipv6Network('ffff::1', 1)).toBe('8000::/1');
  });

  it('unwraps IPv4-mapped IPv6, in dotted or hex form', () => {
    expect(clientIpKey('::ffff:1.2.3.4', 64)).toBe('1.2.3.4');
    expect(clientIpKey('::FFFF:0102:0304', 64)).toBe('1.2.3.4');
    expect(clientIpKey('::ffff:1.2.3.4', false)).toBe('1.2.3.4');
  });

  it('leaves IPv4 and non-IP text as they are', () => {
    expect(clientIpKey('10.0.0.1', 64)).toBe('10.0.0.1');
    expect(clientIpKey('not:an:ip', 64)).toBe('not:an:ip');
  });

  it('keys each address alone with ipv6Subnet false or 128, keeping a zone id always', () => {
    expect(clientIpKey('2001:DB8::0001', false)).toBe('2001:db8::1');
    expect(clientIpKey('2001:db8::1', 128)).toBe('2001:db8::1');
    expect(clientIpKey('fe80::1%eth0', false)).toBe('fe80::1%eth0');
    expect(clientIpKey('fe80::1%eth0', 64)).toBe('fe80::/64%eth0');
  });

  it('validates ipv6Subnet', () => {
    expect(assertIpv6Subnet(undefined)).toBe(64);
    expect(assertIpv6Subnet(false)).toBe(false);
    expect(assertIpv6Subnet(48)).toBe(48);
    for (const bad of [0, 129, 64.5, '64', true, null]) {
      expect(() => assertIpv6Subnet(bad)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, option: 'ipv6Subnet' }));
    }
  });
});

// A plain request shape: these tests exercise key building, not a framework.
interface PlainRequest {
  ip?: string;
  socketIp?: string;
  headers: Record<string, string | string[] | undefined>;
  method: string;
  route: string;
  user?: string;
}
const access: RequestAccess<PlainRequest> = {
  ip: (req) => req.ip,
  socketIp: (req) => req.socketIp,
  header: (req, name) => req.headers[name],
  method: (req) => req.method,
  route: (req) => req.route,
};
const keys = createKeyBuilders(access);
const request = (over: Partial<PlainRequest> = {}): PlainRequest => ({
  ip: '1.2.3.4',
  socketIp: '1.2.3.4',
  headers: {},
  method: 'GET',
  route: '/items/:id',
  ...over,
});

describe('key builders', () => {
  it('keys by IP, optionally with route and method', () => {
    expect(keys.ip()(request())).toBe('1.2.3.4');
    expect(keys.ip({ route: true })(request())).toBe('/items/:id 1.2.3.4');
    expect(keys.ip({ route: true, method: true })(request())).toBe('GET /items/:id 1.2.3.4');
    expect(keys.ip({ ipv6Subnet: 48 })(request({ ip: '2001:db8:1:2::1' }))).toBe('2001:db8:1::/48');
  });

  it('fails with ERR_SLUICE_NO_CLIENT_KEY when the IP is unknown, never an empty key', () => {
    for (const ip of [undefined, '']) {
      expect(() => keys.ip()(request({ ip }))).toThrow(expect.objectContaining({ code: ErrorCodes.NO_CLIENT_KEY }));
    }
  });

  it('keys by a header, falling back to the IP (which can never collide with it)', () => {
    const byApiKey = keys.header('X-API-Key');
    expect(byApiKey(request({ headers: { 'x-api-key': 'abc' } }))).toBe('x-api-key=abc');
    expect(byApiKey(request({ headers: { 'x-api-key': ['first', 'second'] } }))).toBe('x-api-key=first');
    expect(byApiKey(request())).toBe('1.2.3.4');
    expect(() => keys.header('x-api-key', { fallback: 'error' })(request())).toThrow(
      expect.objectContaining({ code: ErrorCodes.NO_CLIENT_KEY }),
    );
  });

  it('keys by user', () => {
    const byUser = keys.user((req) => req.user, { method: true });
    expect(byUser(request({ user: '42' }))).toBe('GET user=42');
    expect(byUser(request())).toBe('GET 1.2.3.4');
  });

  it('validates its options at construction', () => {
    expect(() => keys.header('bad header')).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, option: 'name' }));
    expect(() => keys.ip({ rout: true } as never)).toThrow(expect.objectContaining({ code: ErrorCodes.UNKNOWN_OPTION, option: 'rout' }));
    expect(() => keys.ip({ ipv6Subnet: 0 })).toThrow(expect.objectContaining({ option: 'ipv6Subnet' }));
    expect(() => keys.user('id' as never)).toThrow(expect.objectContaining({ option: 'identify' }));
  });

  it('warns once when X-Forwarded-For arrives but the IP came from the socket', () => {
    const warnings: SluiceWarning[] = [];
    const key = keys.ip({ onWarning: (warning) => warnings.push(warning) });
    const spoofed = request({ headers: { 'x-forwarded-for': '9.9.9.9' } });
    expect(key(spoofed)).toBe('1.2.3.4');
    key(spoofed);
    key(spoofed);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('SLUICE_UNTRUSTED_FORWARDED_FOR');
  });

  it('does not warn when the framework trusted the header (the IP differs from the socket)', () => {
    const warnings: SluiceWarning[] = [];
    const key = keys.ip({ onWarning: (warning) => warnings.push(warning) });
    expect(key(request({ ip: '9.9.9.9', socketIp: '127.0.0.1', headers: { 'x-forwarded-for': '9.9.9.9' } }))).toBe('9.9.9.9');
    expect(warnings).toHaveLength(0);
  });
});

describe('route-scoped keys', () => {
  // Records what the key builder asked the adapter for, so the test sees the override arrive.
  const seen: Array<RouteMatching | undefined> = [];
  const recording = createKeyBuilders<PlainRequest>({
    ...access,
    route: (req, matching) => {
      seen.push(matching);
      return normalizeRoutePath(req.route, matching?.caseSensitive ?? false, matching?.strict ?? false);
    },
  });

  it('hands a route: { caseSensitive, strict } override to the adapter, and nothing for route: true', () => {
    seen.length = 0;
    expect(recording.ip({ route: true })(request({ route: '/Login/' }))).toBe('/login 1.2.3.4');
    const strict = { caseSensitive: true, strict: true };
    const key = recording.ip({ route: strict });
    strict.caseSensitive = false; // copied at construction: later edits change nothing
    expect(key(request({ route: '/Login/' }))).toBe('/Login/ 1.2.3.4');
    expect(seen).toEqual([undefined, { caseSensitive: true, strict: true }]);
  });

  it('counts HEAD as GET, which every framework answers with the GET handler', () => {
    const key = keys.ip({ method: true, route: true });
    expect(key(request({ method: 'HEAD' }))).toBe(key(request({ method: 'GET' })));
    expect(key(request({ method: 'POST' }))).toBe('POST /items/:id 1.2.3.4');
  });

  it('validates route at construction', () => {
    for (const bad of ['yes', 1, null, ['strict']]) {
      expect(() => keys.ip({ route: bad as never })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, option: 'route' }));
    }
    expect(() => keys.ip({ route: { strict: 'yes' } as never })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, option: 'route.strict' }),
    );
    expect(() => keys.ip({ route: { sensitive: true } as never })).toThrow(
      expect.objectContaining({ code: ErrorCodes.UNKNOWN_OPTION, option: 'route.sensitive' }),
    );
    expect(() => keys.ip({ method: 'yes' as never })).toThrow(expect.objectContaining({ option: 'method' }));
  });
});

describe('IP keys beside name=value keys', () => {
  it('a forged, trusted X-Forwarded-For of "user=42" cannot spend user 42\'s bucket', () => {
    const byUser = keys.user((req) => req.user);
    const victim = byUser(request({ user: '42' }));
    const forger = byUser(request({ ip: 'user=42' })); // no user: falls back to the (forged) IP
    expect(victim).toBe('user=42');
    expect(forger).toBe('?user=42');
    expect(keys.header('x-api-key')(request({ ip: 'x-api-key=secret' }))).toBe('?x-api-key=secret');
  });

  it('leaves real addresses and the plain IP key alone', () => {
    expect(apartFromNamedKeys('192.0.2.1')).toBe('192.0.2.1');
    expect(apartFromNamedKeys('2001:db8::/64')).toBe('2001:db8::/64');
    expect(keys.user((req) => req.user)(request({ ip: '::ffff:192.0.2.1' }))).toBe('192.0.2.1');
    expect(keys.ip()(request({ ip: 'user=42' }))).toBe('user=42'); // no named keys beside it
  });
});
