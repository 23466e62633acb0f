/** Exact costs of one operation: SQL statements per service and subgraph fetches, from the services' counters. */
import { type BenchContext, type Counters, counters, countersBetween } from "./context.js";
import { post } from "./load.js";
import { MACHINE } from "./platform.js";
import { machineCpu } from "./proc.js";

/** JSON with sorted keys: counters filled in completion order still compare equal. */
export const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/** Waits until the services' SQL counters stop moving (event handlers, sweeps) for `stableMs`. */
export async function quiet(ctx: BenchContext, stableMs = 400, maxMs = 20_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = stable((await counters(ctx)).sql);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, stableMs));
    const now = stable((await counters(ctx)).sql);
    if (now === last) return;
    last = now;
  }
}

/**
 * One request's counters, after a warm-up request and a quiet moment; done
 * `times` times, the answer is the one seen most often (a background job
 * landing in one window does not count).
 */
export async function exactCost(
  ctx: BenchContext,
  url: string,
  body: string,
  headers: Record<string, string> = {},
  times = 3,
): Promise<Counters> {
  await post(url, body, headers);
  const seen = new Map<string, { count: number; value: Counters }>();
  for (let i = 0; i < times; i += 1) {
    await quiet(ctx, 250, 5_000);
    const before = await counters(ctx);
    const answer = await post<{ errors?: unknown[] }>(url, body, headers);
    if (answer.status !== 200 || answer.json.errors) throw new Error(`request failed: ${JSON.stringify(answer.json)}`);
    const delta = countersBetween(before, await counters(ctx));
    // pg_stat_statements sees every client (the event bus's polling too): not part of the exact figure.
    delta.pgCalls = null;
    const key = stable(delta);
    const entry = seen.get(key) ?? { count: 0, value: delta };
    entry.count += 1;
    seen.set(key, entry);
  }
  return [...seen.values()].sort((a, b) => b.count - a.count)[0]?.value as Counters;
}

/**
 * Waits until the platform (every service and PostgreSQL) uses under 10% of a
 * core over half a second: event handlers and other backlogs from the last
 * run are done. At most `maxMs`; returns how long it waited.
 */
export async function settleDown(ctx: BenchContext, maxMs = 20_000): Promise<number> {
  const started = Date.now();
  const busy = () => {
    const snap = ctx.meter.snapshot();
    return [...snap.entries()].filter(([name]) => name !== MACHINE).reduce((a, [, s]) => a + s.cpuSeconds, 0);
  };
  let last = busy();
  while (Date.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 500));
    const now = busy();
    if (now - last < 0.05) break;
    last = now;
  }
  return Date.now() - started;
}

/** Waits until the whole machine uses under 15% of a core over a second (e.g. before a cold start), at most `maxMs`. */
export async function machineIdle(maxMs = 30_000): Promise<number> {
  const started = Date.now();
  let last = machineCpu().busySeconds;
  while (Date.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = machineCpu().busySeconds;
    if (now - last < 0.15) break;
    last = now;
  }
  return Date.now() - started;
}
