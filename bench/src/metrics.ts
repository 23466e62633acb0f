/** Reads counters from the services' Prometheus `/metrics`. */

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheus(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    out.push({ name: match[1] as string, labels, value: Number(match[4]) });
  }
  return out;
}

/** One service's metrics; a service too busy to answer in 20 s (three tries) is an error. */
export async function scrape(metricsUrl: string): Promise<Series[]> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(20_000) });
      return parsePrometheus(await response.text());
    } catch (error) {
      last = error;
    }
  }
  throw new Error(`${metricsUrl}: ${(last as Error).message}`);
}

/** Sum of a metric's series whose labels include `where`. */
export function total(series: Series[], name: string, where: Record<string, string> = {}): number {
  return series
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

/** Sum by one label (e.g. subgraph fetches by subgraph). */
export function byLabel(series: Series[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of series) {
    if (s.name !== name) continue;
    const key = s.labels[label] ?? "";
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}
