import { type Kysely, sql } from "kysely";

/** The fixed-window counters of a service, in its own schema (shared by all its replicas). */
export async function createRateLimitTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("rate_limit")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("window_start", "timestamptz", (c) => c.notNull())
    .addColumn("hits", "integer", (c) => c.notNull())
    .execute();
}

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets (when refused). */
  retryAfterSeconds: number;
}

/**
 * Counts one hit of `key` in a fixed window and says whether it is within
 * `limit`. One atomic upsert, so concurrent replicas count together.
 */
export async function hitRateLimit(
  db: Kysely<unknown>,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<RateLimitResult> {
  const window = sql`make_interval(secs => ${windowSeconds})`;
  const { rows } = await sql<{ hits: number; reset_in: number }>`
    insert into rate_limit as r (key, window_start, hits) values (${key}, now(), 1)
    on conflict (key) do update set
      hits = case when r.window_start <= now() - ${window} then 1 else r.hits + 1 end,
      window_start = case when r.window_start <= now() - ${window} then now() else r.window_start end
    returning hits, ceil(extract(epoch from (window_start + ${window} - now())))::int as reset_in`.execute(db);
  const row = rows[0];
  return { allowed: (row?.hits ?? 0) <= limit, retryAfterSeconds: Math.max(1, row?.reset_in ?? windowSeconds) };
}
