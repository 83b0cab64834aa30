// Stores for driving the metrics: plain Store implementations (the contract, no Redis or
// Postgres mock), each failing or answering in the way a test needs.
import { MemoryStore, StoreError, type PolicyResult, type Policy, type Store, type StoreRequest } from '@sluice/core';

const ALGORITHMS = new MemoryStore().algorithms;

/** Every call throws a StoreError, as a store whose server is down. */
export class FailingStore implements Store {
  readonly algorithms = ALGORITHMS;
  calls = 0;
  consume(): never {
    this.calls++;
    throw new StoreError('connection refused (test store)');
  }
  reset(): void {}
}

/** A MemoryStore's answers, a macrotask later: an asynchronous store with a measurable latency. */
export class AsyncStore implements Store {
  readonly algorithms = ALGORITHMS;
  private readonly inner = new MemoryStore();
  calls = 0;
  consume(request: StoreRequest): Promise<readonly PolicyResult[]> {
    this.calls++;
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(this.inner.consume(request));
        } catch (error) {
          reject(error);
        }
      });
    });
  }
  reset(key: string, policies: readonly Policy[]): void {
    this.inner.reset(key, policies);
  }
}

/** Never answers: every decision ends at the limiter's timeoutMs. */
export class SilentStore implements Store {
  readonly algorithms = ALGORITHMS;
  consume(): Promise<readonly PolicyResult[]> {
    return new Promise(() => {});
  }
  reset(): void {}
}
