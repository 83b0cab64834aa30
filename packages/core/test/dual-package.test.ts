import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// Issue 8 item 10 (dual-package hazard), tested from the BUILT package through Node itself:
// `import` and `require` of @sluice/core give two copies; every value that crosses between
// them (policies, stores, limiters, errors) must still be recognised. `npm test` builds first
// (pretest); alone: `npm run build -w packages/core`.
const root = join(__dirname, '..', '..', '..');
const script = join(__dirname, 'fixtures', 'dual-package.mjs');

describe('mixing the ESM and CJS builds of @sluice/core', () => {
  let seen: Record<string, unknown>;

  beforeAll(() => {
    for (const file of ['dist/esm/index.js', 'dist/cjs/index.js']) {
      expect(existsSync(join(__dirname, '..', file)) ? file : `missing ${file} (run npm run build -w packages/core)`).toBe(file);
    }
    seen = JSON.parse(execFileSync(process.execPath, [script], { cwd: root, encoding: 'utf8' }));
  });

  test('import and require really load two copies, and neither exports registerPolicy', () => {
    expect(seen.twoCopies).toBe(true);
    expect(seen.registerPolicyHidden).toBe(true);
  });

  test("a policy from either copy works in the other copy's limiter (and counts)", () => {
    expect(seen.esmPolicyInCjsLimiter).toEqual([true, false]);
    expect(seen.cjsPolicyInEsmLimiter).toEqual([true, false]);
    expect(seen.isPolicyAcross).toBe(true);
  });

  test('a forged branded policy is still refused', () => {
    expect(seen.forgedPolicyRefused).toBe('ERR_SLUICE_INVALID_OPTION');
  });

  test("stores from the other copy work as primary and as fallback", () => {
    expect(seen.esmStore).toBe('store');
    expect(seen.esmFallbackStore).toBe('fallback');
  });

  test('a limiter from one copy is accepted by the other copy (isLimiter, adapter options, siblings)', () => {
    expect(seen.isLimiterAcross).toBe(true);
    expect(seen.adapterAcceptsOtherCopysLimiter).toBe(true);
    expect(seen.siblingAcross).toBe(2);
  });

  test('errors are recognised across copies by instanceof and by isSluiceError', () => {
    expect(seen.invalidInstanceofCjs).toEqual([true, true, false]);
    expect(seen.isSluiceErrorAcross).toEqual([true, true, false, false]);
    expect(seen.storeErrorAcross).toEqual([true, true, true]);
    expect(seen.plainErrorIsNot).toEqual([false, false]);
  });

  test("a store throwing the other copy's InvalidOptionError surfaces; its configuration StoreError warns", () => {
    expect(seen.foreignInputErrorSurfaces).toBe('ERR_SLUICE_INVALID_OPTION');
    expect(seen.foreignConfigurationWarns).toEqual(['SLUICE_STORE_MISCONFIGURED']);
  });
});

// Issue 11 follow-up: per-store state lives in registries on globalThis (Symbol.for keys), so
// both copies see one breaker and one health record per store.
describe('per-store state across the ESM and CJS builds of @sluice/core', () => {
  let seen: Record<string, unknown>;

  beforeAll(() => {
    const fixture = join(__dirname, 'fixtures', 'dual-package-resilience.mjs');
    seen = JSON.parse(execFileSync(process.execPath, [fixture], { cwd: root, encoding: 'utf8' }));
  });

  test("a breaker opened through the ESM copy reads 'open' through the CJS copy, and the CJS limiter obeys it", () => {
    expect(seen.openThroughEsm).toEqual(['open', 'open']);
    expect(seen.cjsListenerHeardEsmBreaker).toEqual(['closed->open']);
    // It joins the store's breaker from its first call (as a second limiter of one copy does): no call reaches the store.
    expect(seen.cjsLimiterWhileOpen).toEqual([['breaker-open', 'breaker-open', 'breaker-open'], 0]);
  });

  test('a limiter from each copy on one store shares the breaker (one failure each reaches the threshold of 2)', () => {
    expect(seen.afterOneFailure).toBe('closed');
    expect(seen.afterOneFailureEach).toEqual(['open', 'open']);
  });

  test("other breaker options through the other copy: the first limiter's stay, with one warning", () => {
    expect(seen.otherOptionsAcross).toEqual([['SLUICE_BREAKER_OPTIONS_IGNORED'], 'open']);
  });

  test('a misconfigured store warns once, not once per copy', () => {
    expect(seen.misconfiguredWarnings).toEqual(['SLUICE_STORE_MISCONFIGURED']);
  });
});
