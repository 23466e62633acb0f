import { AsyncLocalStorage } from "node:async_hooks";
import { Kysely, type Transaction } from "kysely";

/**
 * better-auth opens its own transactions (sign-up runs in one). This Kysely
 * remembers the transaction it is running, so a database hook can write our
 * domain event with the very same transaction: the account and its
 * `user.registered` event commit together or not at all.
 */
export class ScopedKysely<DB> extends Kysely<DB> {
  readonly #scope = new AsyncLocalStorage<Transaction<DB>>();

  override transaction() {
    const builder = super.transaction();
    const scope = this.#scope;
    return new Proxy(builder, {
      get(target, property, receiver) {
        if (property === "execute") {
          return <T>(callback: (trx: Transaction<DB>) => Promise<T>) =>
            target.execute((trx) => scope.run(trx, () => callback(trx)));
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  /** The transaction better-auth is running around the caller, if any. */
  currentTransaction(): Transaction<DB> | undefined {
    return this.#scope.getStore();
  }
}
