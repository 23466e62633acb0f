/**
 * Identical work shared while it runs: the first caller with a key (the
 * leader) starts it, callers with the same key meanwhile (followers) get the
 * same promise, success or failure. The key is forgotten the moment the work
 * settles: nothing is cached, the next caller starts it again.
 */
export class InFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();

  /** The work's promise, and whether it was already running for this key. */
  run(key: string, work: () => Promise<T>): { result: Promise<T>; shared: boolean } {
    const running = this.pending.get(key);
    if (running) return { result: running, shared: true };
    let result: Promise<T>;
    try {
      result = work();
    } catch (error) {
      return { result: Promise.reject(error), shared: false };
    }
    this.pending.set(key, result);
    const forget = () => {
      if (this.pending.get(key) === result) this.pending.delete(key);
    };
    // Both branches handled: this derived promise never rejects unhandled.
    result.then(forget, forget);
    return { result, shared: false };
  }

  /** Keys running now (for tests). */
  get size(): number {
    return this.pending.size;
  }
}
