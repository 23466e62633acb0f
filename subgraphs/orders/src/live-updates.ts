import type { Logger } from "@retailer/kit";
import pg from "pg";
import type { OrderRow } from "./db/database.js";

type Listener = (order: OrderRow) => void;

/** Which changes a listener gets: one order's, one customer's orders', or every order's. */
export type LiveScope = { orderId: string } | { customerId: string } | "all";

/** Listeners by key (order id, customer id); a key's set is deleted with its last listener. */
class ListenerIndex {
  readonly #byKey = new Map<string, Set<Listener>>();

  add(key: string, listener: Listener): () => void {
    let set = this.#byKey.get(key);
    if (!set) {
      set = new Set();
      this.#byKey.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.#byKey.get(key);
      if (!current?.delete(listener)) return;
      if (current.size === 0) this.#byKey.delete(key);
    };
  }

  get(key: string | null): ReadonlySet<Listener> | undefined {
    return key === null ? undefined : this.#byKey.get(key);
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** Keys with at least one listener. */
  get keys(): number {
    return this.#byKey.size;
  }

  get listeners(): number {
    let count = 0;
    for (const set of this.#byKey.values()) count += set.size;
    return count;
  }
}

/**
 * Live order updates across replicas: every status change commits a
 * pg_notify('order_updates', id); each replica LISTENs on a connection of
 * its own, reads each changed order ONCE (ids arriving together in one
 * query) and hands the row to the listeners of that order, of its customer
 * and of all orders only: a change costs work in proportion to its own
 * subscribers, not to every subscription of the replica. A change nobody
 * here can be interested in is not read at all. A dropped connection is
 * re-established with backoff (changes committed meanwhile are not
 * replayed: a subscriber re-reads the order when it subscribes).
 */
export class LiveUpdates {
  readonly #byOrder = new ListenerIndex();
  readonly #byCustomer = new ListenerIndex();
  readonly #all = new Set<Listener>();
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

  /**
   * Calls `listener` with each order of `scope` that changed, read fresh,
   * until the returned function is called (which forgets the listener, and
   * the scope's entry with its last listener).
   */
  listen(scope: LiveScope, listener: Listener): () => void {
    if (scope === "all") {
      this.#all.add(listener);
      return () => {
        this.#all.delete(listener);
      };
    }
    return "orderId" in scope
      ? this.#byOrder.add(scope.orderId, listener)
      : this.#byCustomer.add(scope.customerId, listener);
  }

  get listenerCount(): number {
    return this.#byOrder.listeners + this.#byCustomer.listeners + this.#all.size;
  }

  /** What the indexes hold (tests, leak checks): orders and customers with listeners, listeners of all orders. */
  get indexed(): { orders: number; customers: number; all: number } {
    return { orders: this.#byOrder.keys, customers: this.#byCustomer.keys, all: this.#all.size };
  }

  /** Whether a change of `orderId` may concern a listener here (a customer's or all orders' listener may want any). */
  #wanted(orderId: string): boolean {
    return this.#all.size > 0 || this.#byCustomer.keys > 0 || this.#byOrder.has(orderId);
  }

  /** Hands a changed order to the listeners of its id, of its customer, and of all orders. */
  #deliver(row: OrderRow): void {
    for (const listeners of [this.#byOrder.get(row.id), this.#byCustomer.get(row.customer_id), this.#all]) {
      if (!listeners) continue;
      for (const listener of listeners) {
        try {
          listener(row);
        } catch (error) {
          this.log.warn({ err: error, orderId: row.id }, "live update listener failed");
        }
      }
    }
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: "retailer-orders-live" });
    client.on("notification", (message) => {
      if (message.channel !== "order_updates" || !message.payload || !this.#wanted(message.payload)) return;
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
          for (const row of rows) this.#deliver(row);
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
