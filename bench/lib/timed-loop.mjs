// In-process throughput by CPU time: a contender runs in chunks until its slice of process CPU is spent.

const CHUNK = 4096;

/** Process CPU (user + system) in µs. Wall clock would charge a contender for other processes' time. */
export function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

// Each loop is compiled from its own source text (new Function), so every contender gets its own
// call-site feedback: a shared loop would turn megamorphic and tax the cheapest contenders most.
function syncLoop() {
  return new Function('fn', 'keys', 'start', 'n', `
    let i = start;
    for (let k = 0; k < n; k++) {
      fn(keys[i]);
      if (++i === keys.length) i = 0;
    }
    return i;`);
}

function asyncLoop() {
  return new Function('fn', 'keys', 'start', 'n', `
    return (async function () {
      let i = start;
      for (let k = 0; k < n; k++) {
        await fn(keys[i]);
        if (++i === keys.length) i = 0;
      }
      return i;
    })();`);
}

/**
 * A runner for `fn(key)` over `keys` (round robin). `run(sliceMs)` spends at least `sliceMs`
 * of process CPU and resolves with `{ ops, cpuMs, perSecond }`. `kind` is 'sync' (fn returns
 * a value) or 'async' (fn returns a promise, awaited one at a time as a request handler would).
 */
export function makeRunner(fn, keys, kind) {
  const loop = kind === 'async' ? asyncLoop() : syncLoop();
  let next = 0;
  return async function run(sliceMs) {
    const budget = sliceMs * 1000;
    const start = cpuMicros();
    let ops = 0;
    let spent = 0;
    do {
      next = kind === 'async' ? await loop(fn, keys, next, CHUNK) : loop(fn, keys, next, CHUNK);
      ops += CHUNK;
      spent = cpuMicros() - start;
    } while (spent < budget);
    return { ops, cpuMs: spent / 1000, perSecond: ops / (spent / 1e6) };
  };
}
