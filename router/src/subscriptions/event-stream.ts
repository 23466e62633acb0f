/**
 * A subscription's stream of results, fed by pushes: the consumer (graphql-ws)
 * pulls with `next()`. `return()` (the client unsubscribed or disconnected)
 * and `end()` (the source finished) run `onClose` at once, exactly once, so
 * the upstream subscription closes without waiting for another event; an
 * async generator's `return()` would wait behind a pending `next()`.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private closed = false;
  private resolveFinished!: () => void;
  /** Settles when the consumer has seen the end (or left). */
  readonly finished = new Promise<void>((resolve) => {
    this.resolveFinished = resolve;
  });

  constructor(
    private readonly onClose: () => void,
    /** Results kept for a slow consumer before `push` refuses more. */
    private readonly maxBuffered = 100,
  ) {}

  /** Whether the stream still takes results. */
  get open(): boolean {
    return !this.ended;
  }

  /** Queues a result; false when the stream has ended or the consumer is `maxBuffered` behind. */
  push(value: T): boolean {
    if (this.ended) return false;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ done: false, value });
      return true;
    }
    if (this.buffer.length >= this.maxBuffered) return false;
    this.buffer.push(value);
    return true;
  }

  /** No more results: delivers `last` (if any) after those queued, then completes. */
  end(last?: T): void {
    if (this.ended) return;
    if (last !== undefined) {
      if (this.waiting) this.push(last);
      else this.buffer.push(last);
    }
    this.ended = true;
    this.close();
    if (this.waiting && this.buffer.length === 0) {
      const waiting = this.waiting;
      this.waiting = undefined;
      this.resolveFinished();
      waiting({ done: true, value: undefined });
    }
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.buffer.shift();
    if (value !== undefined) return Promise.resolve({ done: false, value });
    if (this.ended) {
      this.resolveFinished();
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.ended = true;
    this.close();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ done: true, value: undefined });
    this.resolveFinished();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
