import fc from 'fast-check';
import { normalizeRoutePath } from '@sluice/core';

// Express and @koa/router defaults: case-insensitive, trailing slash ignored.
const loose = (path: string): string => normalizeRoutePath(path, false, false);
const strict = (path: string): string => normalizeRoutePath(path, true, true);

describe('normalizeRoutePath', () => {
  it.each([
    ['/LOGIN', '/login'],
    ['/Login', '/login'],
    ['/login/', '/login'],
    ['//login', '/login'],
    ['/login//', '/login'],
    ['/%6Cogin', '/login'],
    ['/%6cogin', '/login'],
    ['/log%69n', '/login'],
    ['/login?next=/x', '/login'],
    ['/a%2fb', '/a%2fb'], // an escaped slash is reserved: it stays an escape (hex case folded with the rest)
    ['/%7E%2D%2E%5F', '/~-._'], // unreserved marks decode (RFC 3986 §2.3)
    ['/', '/'],
    ['//', '/'],
    ['', ''],
    ['/./login', '/./login'], // no supported router resolves dot segments: kept
    ['/100%', '/100%'], // a stray % is left alone
    ['/%zz', '/%zz'],
  ])('case-insensitive, not strict: %j → %j', (input, expected) => {
    expect(loose(input)).toBe(expected);
  });

  it.each([
    ['/LOGIN', '/LOGIN'],
    ['/login/', '/login/'],
    ['//login', '/login'],
    ['/%6Cogin', '/login'],
    ['/a%2fb', '/a%2Fb'], // RFC 3986 §6.2.2.1: escapes compare with upper-case hex
    ['/login?x=1', '/login'],
  ])('case-sensitive and strict: %j → %j', (input, expected) => {
    expect(strict(input)).toBe(expected);
  });

  it('returns a path that needs no change as the same string', () => {
    const path = '/users/42/items';
    expect(loose(path)).toBe(path);
    expect(strict('/Users/')).toBe('/Users/');
  });

  // A path is segments of unreserved characters; a client respells it by flipping letter case,
  // percent-encoding characters (either hex case), doubling slashes and adding a trailing slash.
  const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/);
  const respelling = fc.record({
    segments: fc.array(segment, { minLength: 1, maxLength: 5 }),
    seed: fc.array(fc.nat(7), { minLength: 64, maxLength: 64 }),
    trailing: fc.boolean(),
  });

  function respell(segments: string[], seed: number[], trailing: boolean): string {
    let n = 0;
    const choice = (): number => seed[n++ % seed.length]!;
    let out = '';
    for (const part of segments) {
      out += choice() === 0 ? '//' : '/';
      for (const char of part) {
        const pick = choice();
        const hex = char.charCodeAt(0).toString(16);
        if (pick === 1) out += '%' + hex.toUpperCase();
        else if (pick === 2) out += '%' + hex.toLowerCase();
        else if (pick === 3) out += char.toUpperCase();
        else out += char.toLowerCase();
      }
    }
    return trailing ? out + '/' : out;
  }

  it('maps every respelling a case-insensitive, non-strict router ignores to one key (property)', () => {
    fc.assert(
      fc.property(respelling, ({ segments, seed, trailing }) => {
        const canonical = '/' + segments.join('/').toLowerCase();
        expect(loose(respell(segments, seed, trailing))).toBe(canonical);
      }),
    );
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.boolean(), fc.boolean(), (path, caseSensitive, isStrict) => {
        const once = normalizeRoutePath(path, caseSensitive, isStrict);
        expect(normalizeRoutePath(once, caseSensitive, isStrict)).toBe(once);
      }),
    );
  });

  it('keeps paths apart that a case-sensitive, strict router keeps apart (property)', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const path = '/' + segments.join('/');
        fc.pre(path !== path.toLowerCase());
        expect(strict(path)).not.toBe(strict(path.toLowerCase()));
        expect(strict(path + '/')).not.toBe(strict(path));
      }),
    );
  });
});
