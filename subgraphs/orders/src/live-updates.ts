import type { Logger } from "@retailer/kit";
import pg from "pg";
import type { OrderRow } from "./db/database.js";

type Listener = (order: OrderRow) => void;

/**
 * Live order updates across replicas: every status change commits a
 * pg_notify('order_updates', id); each replica LISTENs on a connection of
 * its own, reads each changed order ONCE (ids arriving together in one
 * query) and hands the row to its local subscribers, however many there are.
 * A dropped connection is re-established with backoff (changes committed
 * meanwhile are not replayed: a subscriber re-reads the order when it subscribes).
 */
export class LiveUpdates {
  readonly #listeners = new Set<Listener>();
  #client: pg.Client | undefined;
  #stopped = false;
  #retry = 0;

  #pending = new Set<string>();

  constructor(
    private readonly url: string,
    private readonly log: Logger,
    /** Reads the changed orders, all in one query. */
    private readonly load: (ids: string[]) => Promise<OrderRow[]>,
  ) {}

  async start(): Promise<void> {
    this.#stopped = false;
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  /** Calls `listener` with every order that changed, read fresh, until the returned function is called. */
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: "retailer-orders-live" });
    client.on("notification", (message) => {
      if (message.channel !== "order_updates" || !message.payload || this.#listeners.size === 0) return;
      this.#schedule(message.payload);
    });
    client.on("error", (error) => {
      this.log.warn({ err: error }, "live updates connection failed");
      void this.#reconnect(client);
    });
    client.on("end", () => void this.#reconnect(client));
    await client.connect();
    await client.query("listen order_updates");
    this.#client = client;
    this.#retry = 0;
  }

  /** Coalesces the ids notified in one turn of the event loop into one read. */
  #schedule(orderId: string): void {
    const first = this.#pending.size === 0;
    this.#pending.add(orderId);
    if (!first) return;
    setImmediate(() => {
      const ids = [...this.#pending];
      this.#pending.clear();
      this.load(ids).then(
        (rows) => {
          for (const row of rows) for (const listener of this.#listeners) listener(row);
        },
        (error: unknown) => this.log.warn({ err: error, orderIds: ids }, "could not read changed orders"),
      );
    });
  }

  async #reconnect(failed: pg.Client): Promise<void> {
    if (this.#stopped || this.#client !== failed) return;
    this.#client = undefined;
    const delay = Math.min(30_000, 250 * 2 ** this.#retry);
    this.#retry += 1;
    setTimeout(() => {
      if (this.#stopped) return;
      this.#connect().catch((error: unknown) => {
        this.log.warn({ err: error }, "live updates reconnect failed");
        const placeholder = new pg.Client();
        this.#client = placeholder;
        void this.#reconnect(placeholder);
      });
    }, delay).unref();
  }
}

/**
 * An async iterator over values pushed to it, whose return() ends it at
 * once (graphql-ws calls it on unsubscribe; a pending next() resolves done).
 */
export function pushIterator<T>(onClose: () => void): {
  push(value: T): void;
  fail(error: Error): void;
  iterator: AsyncIterableIterator<T>;
} {
  const queue: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let failing: ((error: Error) => void) | undefined;
  let done = false;
  let error: Error | undefined;
  const close = () => {
    if (done) return;
    done = true;
    onClose();
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
  };
  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (error) {
        const e = error;
        error = undefined;
        close();
        return Promise.reject(e);
      }
      const value = queue.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiting = resolve;
        failing = reject;
      });
    },
    return() {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return {
    iterator,
    push(value) {
      if (done) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value, done: false });
      } else queue.push(value);
    },
    fail(e) {
      if (done) return;
      if (failing) {
        const reject = failing;
        waiting = undefined;
        failing = undefined;
        close();
        reject(e);
      } else error = e;
    },
  };
}
