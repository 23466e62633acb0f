/**
 * CPU time and memory of processes, read from Linux's /proc:
 * - /proc/<pid>/stat fields 14-15 (utime, stime) in clock ticks -> CPU seconds;
 * - /proc/<pid>/status VmRSS (resident now) and VmHWM (peak resident since
 *   start, or since the peak was reset by writing "5" to /proc/<pid>/clear_refs);
 * - /proc/<pid>/smaps_rollup Pss (resident memory with shared pages divided
 *   among their sharers: the figure that adds up across processes).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

let ticks: number | undefined;
/** Clock ticks per second (getconf CLK_TCK, 100 on Linux). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

export interface ProcSample {
  pid: number;
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
  rssKb: number;
  peakRssKb: number;
}

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces: split after its closing parenthesis.
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

export function sample(pid: number): ProcSample | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  // After the name: field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / clockTicks();
  let rssKb = 0;
  let peakRssKb = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    peakRssKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return undefined;
  }
  return { pid, cpuSeconds, rssKb, peakRssKb };
}

/** Proportional set size in kB (0 when unreadable). */
export function pssKb(pid: number): number {
  try {
    return Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Resets VmHWM to the current RSS, so the next peak is this phase's. */
export function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    // Older kernels or no permission: the peak then counts from the process start.
  }
}

/** The pid and every descendant (a gateway's workers, a launcher's services). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (!fields) continue;
    const parent = Number(fields[1]);
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

/** Direct children of a process. */
export function childrenOf(pid: number): number[] {
  return processTree(pid).filter((p) => p !== pid && Number(statFields(p)?.[1]) === pid);
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** CPU seconds of a process's children that ended and were waited for (cutime + cstime). */
function reapedChildrenCpu(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[13]) + Number(fields[14])) / clockTicks() : 0;
}

/**
 * Sums a process tree: CPU seconds (of the live processes, plus what their
 * ended children used, so PostgreSQL's short-lived backends still count), RSS
 * and peak RSS (peaks of each process added: an upper bound).
 */
export function sampleTree(root: number): ProcSample | undefined {
  const pids = processTree(root);
  const samples = pids.map(sample).filter((s): s is ProcSample => s !== undefined);
  if (samples.length === 0) return undefined;
  return {
    pid: root,
    cpuSeconds: samples.reduce((a, s) => a + s.cpuSeconds, 0) + pids.reduce((a, p) => a + reapedChildrenCpu(p), 0),
    rssKb: samples.reduce((a, s) => a + s.rssKb, 0),
    peakRssKb: samples.reduce((a, s) => a + s.peakRssKb, 0),
  };
}

/** Busy CPU seconds of the whole machine since boot (all cores: user, nice, system, irq, softirq, steal). */
export function machineCpu(): { busySeconds: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  const busy = [user, nice, system, irq, softirq, steal].reduce<number>((a, v) => a + (v ?? 0), 0);
  return { busySeconds: busy / clockTicks() };
}

export function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryMb: number;
  node: string;
  kernel: string;
}

export function machine(): MachineInfo {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const meminfo = readFileSync("/proc/meminfo", "utf8");
  let kernel = "";
  try {
    kernel = readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  } catch {
    kernel = "unknown";
  }
  return {
    cores: (cpuinfo.match(/^processor\s*:/gm) ?? []).length,
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    memoryMb: Math.round(Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0) / 1024),
    node: process.version,
    kernel,
  };
}
