import type { BenchContext, Section } from "../context.js";

export async function s5(_ctx: BenchContext): Promise<Section> {
  throw new Error("not yet");
}
