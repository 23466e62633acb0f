/**
 * Where a process spends its CPU: a V8 CPU profile (node --cpu-prof, written
 * when the process exits) summed by self time per package (node_modules/<pkg>),
 * Node's own internals, our code, and V8's pseudo-frames (GC, program).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function category(frame: ProfileNode["callFrame"]): string {
  const url = frame.url;
  if (!url) return frame.functionName || "(anonymous)";
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1] as string;
  if (url.startsWith("node:")) return "node: (Node's own JS: http, streams, ...)";
  if (/\/(router|packages\/kit|subgraphs\/[a-z]+)\/(dist|src)\//.test(url)) {
    return `retailer ${/\/(router|packages\/kit|subgraphs\/[a-z]+)\//.exec(url)?.[1]}`;
  }
  if (url.includes("/bench/")) return "bench peer script";
  return path.basename(url);
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of non-idle time, largest first: the first `limit`. */
  top: { name: string; share: number }[];
  /** Every category's share. */
  all: { name: string; share: number }[];
}

export async function summariseProfile(file: string, limit = 8): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let total = 0;
  for (const [i, id] of profile.samples.entries()) {
    const node = byId.get(id);
    if (!node) continue;
    const name = category(node.callFrame);
    if (name === "(idle)") continue;
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    totals.set(name, (totals.get(name) ?? 0) + delta);
    total += delta;
  }
  const all = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => ({ name, share: total > 0 ? ms / total : 0 }));
  return { totalMs: total, top: all.slice(0, limit), all };
}

/**
 * The main thread's .cpuprofile in a directory: the largest one (a process
 * with worker threads writes one per thread, e.g. Hive Gateway's importer).
 */
export async function newestProfile(dir: string): Promise<string | undefined> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".cpuprofile"));
  const sized = await Promise.all(files.map(async (f) => ({ f, size: (await stat(path.join(dir, f))).size })));
  const largest = sized.sort((a, b) => b.size - a.size)[0];
  return largest ? path.join(dir, largest.f) : undefined;
}
