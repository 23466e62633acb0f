/**
 * A/B(/C/D) comparisons within one run: every repeat runs each load shape on
 * every target back to back, the targets' order rotating from one repeat to
 * the next (AB, BA, ...), so drift in the machine (another process, a warm
 * cache) lands on all of them alike. Figures are the medians of the repeats.
 */
import { type BenchContext, type Counters, counters, countersBetween, perOperation } from "./context.js";
import { type LoadResult, type LoadShape, type LoadTarget, runLoad } from "./load.js";
import { MACHINE } from "./platform.js";
import { fmt, median } from "./stats.js";

export interface Measured extends LoadResult {
  /** Counters per operation during this run (SQL, requests received, router fetches). */
  perOp: Counters;
}

export interface ShapeSpec {
  key: string;
  shape: LoadShape;
}

export type Grid = Map<string, Map<string, Measured[]>>;

export async function measure(ctx: BenchContext, target: LoadTarget, shape: LoadShape): Promise<Measured> {
  const before = await counters(ctx);
  const result = await runLoad(target, shape, ctx.meter);
  const after = await counters(ctx);
  return { ...result, perOp: perOperation(countersBetween(before, after), Math.max(1, result.requests)) };
}

export async function alternate(
  ctx: BenchContext,
  targets: LoadTarget[],
  shapes: ShapeSpec[],
  reps: number,
  onRun?: (target: LoadTarget, spec: ShapeSpec, result: Measured) => void,
): Promise<Grid> {
  const grid: Grid = new Map(targets.map((t) => [t.name, new Map(shapes.map((s) => [s.key, [] as Measured[]]))]));
  for (let rep = 0; rep < reps; rep += 1) {
    for (const spec of shapes) {
      const order = targets.map((_, i) => targets[(i + rep) % targets.length] as LoadTarget);
      for (const target of order) {
        const result = await measure(ctx, target, spec.shape);
        grid.get(target.name)?.get(spec.key)?.push(result);
        onRun?.(target, spec, result);
      }
    }
  }
  return grid;
}

export const runsOf = (grid: Grid, target: string, key: string): Measured[] => grid.get(target)?.get(key) ?? [];

export const med = (runs: Measured[], pick: (r: Measured) => number): number => median(runs.map(pick));

export const cpuMs = (runs: Measured[], process: string): number =>
  med(runs, (r) => r.cpuMsPerRequest[process] ?? Number.NaN);

/** CPU of the machine not accounted for by our processes or the load generator, as a share of the run. */
export const otherLoad = (r: LoadResult, ours: string[]): number => {
  const machine = r.cpu[MACHINE] ?? 0;
  const accounted = ours.reduce((a, name) => a + (r.cpu[name] ?? 0), 0) + r.loadgenCpuS;
  return Math.max(0, machine - accounted) / Math.max(r.durationS, 0.001);
};

/** The standard row of a load table. */
export function loadRow(label: string, shape: string, runs: Measured[], processes: string[], ours: string[]): string[] {
  return [
    label,
    shape,
    fmt(med(runs, (r) => r.rps)),
    fmt(
      med(runs, (r) => r.p50),
      1,
    ),
    fmt(
      med(runs, (r) => r.p90),
      1,
    ),
    fmt(
      med(runs, (r) => r.p99),
      1,
    ),
    fmt(runs.reduce((a, r) => a + r.errors, 0)),
    ...processes.map((p) => fmt(cpuMs(runs, p), 2)),
    fmt(
      med(runs, (r) => otherLoad(r, ours)),
      2,
    ),
  ];
}

export const loadHeaders = (first: string, processes: string[]): string[] => [
  first,
  "load",
  "req/s",
  "p50 ms",
  "p90 ms",
  "p99 ms",
  "errors",
  ...processes.map((p) => (p === MACHINE ? "CPU ms/req whole machine" : `CPU ms/req ${p}`)),
  "other CPU (cores)",
];
