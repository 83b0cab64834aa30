import { ALGORITHMS, MemoryStore, StoreError, type PolicyResult, type Store, type StoreRequest } from '@sluice/core';

/** A MemoryStore on a clock the test moves: long windows without sleeping. */
export class FakeClockStore implements Store {
  readonly algorithms = ALGORITHMS;
  nowMs = 1_700_000_000_000;
  private readonly inner = new MemoryStore();

  consume(request: StoreRequest): PolicyResult[] {
    return this.inner.consume({ ...request, nowMs: this.nowMs });
  }

  reset(key: string, policies: StoreRequest['policies']): void {
    this.inner.reset(key, policies);
  }

  advance(ms: number): void {
    this.nowMs += ms;
  }

  close(): void {
    this.inner.close();
  }
}

/** A store whose backend is down: every call fails, as a lost connection would. */
export class FailingStore implements Store {
  readonly algorithms = ALGORITHMS;

  consume(): never {
    throw new StoreError('connection refused');
  }

  reset(): never {
    throw new StoreError('connection refused');
  }
}
