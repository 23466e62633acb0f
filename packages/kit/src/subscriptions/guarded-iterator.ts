/** Largest delay setTimeout accepts; longer ones fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface GuardOptions<T> {
  /** Runs before each pull from the source (e.g. fresh DataLoaders for the next event). */
  beforeEach?: () => void;
  /** Epoch milliseconds at which the stream ends with `atDeadline()` as its last value. */
  deadline?: number;
  atDeadline?: () => T;
}

/**
 * Wraps a subscription's result stream: runs `beforeEach` ahead of every
 * event and ends the stream at `deadline` (a token's expiry) with one last
 * value. Its `return()` settles at once and tells the source without waiting
 * for it: an async generator's own `return()` would wait behind a pending
 * `next()` and keep the source open until its next event.
 */
export type ClosableIterator<T> = AsyncIterableIterator<T> & Required<Pick<AsyncIterator<T>, "return" | "throw">>;

export function guardedIterator<T>(source: AsyncIterator<T>, options: GuardOptions<T>): ClosableIterator<T> {
  let done = false;
  let pending: ((result: IteratorResult<T>) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** The last value when it came while nobody was pulling. */
  let last: { value: T } | undefined;

  const finish = (final?: { value: T }): void => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    void source.return?.()?.catch?.(() => {});
    const resolve = pending;
    pending = undefined;
    if (!resolve) last = final;
    else resolve(final ? { done: false, value: final.value } : { done: true, value: undefined });
  };

  if (options.deadline !== undefined && options.atDeadline) {
    const { deadline, atDeadline } = options;
    const arm = (): void => {
      timer = setTimeout(
        () => (Date.now() >= deadline ? finish({ value: atDeadline() }) : arm()),
        Math.min(Math.max(deadline - Date.now(), 0), MAX_TIMEOUT_MS),
      );
    };
    arm();
  }

  const iterator: ClosableIterator<T> = {
    next() {
      if (last) {
        const { value } = last;
        last = undefined;
        return Promise.resolve({ done: false, value });
      }
      if (done) return Promise.resolve({ done: true, value: undefined });
      options.beforeEach?.();
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        pending = resolve;
        source.next().then(
          (result) => {
            if (pending !== resolve) return;
            pending = undefined;
            if (result.done) finish();
            resolve(result);
          },
          (error: unknown) => {
            if (pending !== resolve) return;
            pending = undefined;
            finish();
            reject(error);
          },
        );
      });
    },
    return() {
      finish();
      last = undefined;
      return Promise.resolve({ done: true, value: undefined });
    },
    throw(error: unknown) {
      finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
