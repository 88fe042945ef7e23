/**
 * The page section's speed passes, in a process of their own (`node page-speed.js SHARED`): a reader runs in a
 * segmenter or its worker, whose heap holds the reader and a page, not the bench's ~600 MB of pages, readings
 * and scores, which every major GC of the bench's own process walks. Prints the passes as JSON.
 */
import { readFileSync } from "node:fs";
import { htmlLayout, readBlocks, textBlocks } from "@sift/page";
import { flattenHtml, loadArticleExtraction, loadTrafilaturaEval } from "@sift/page/train";
import { readabilityText } from "./page.js";

export interface Pass {
  ms: number;
  /** The main thread's CPU time over the pass, where Linux tells it. */
  cpuMs: number | null;
}

export interface SpeedPasses {
  mb: number;
  pages: number;
  text: Pass[];
  html: Pass[];
  readabilityMs: number;
}

/** This thread's time on a CPU (`/proc/thread-self/schedstat`, in ns), or null where there is no such file. */
function threadCpuMs(): number | null {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    return null;
  }
}

// each timed over all pages five times (a reader runs all day: the first pass also pays the JIT, and on a shared
// machine any pass may lose its core for a while)
const passes = (read: () => void): Pass[] =>
  [0, 1, 2, 3, 4].map(() => {
    const c0 = threadCpuMs();
    const t0 = performance.now();
    read();
    const ms = performance.now() - t0;
    const c1 = threadCpuMs();
    return { ms, cpuMs: c0 === null || c1 === null ? null : c1 - c0 };
  });

const shared = process.argv[2] as string;
const pages = [...(loadArticleExtraction(shared) ?? []), ...(loadTrafilaturaEval(shared) ?? [])];
const texts = pages.map((p) => flattenHtml(p.html));
const text = passes(() => {
  for (const x of texts) readBlocks(textBlocks(x));
});
const html = passes(() => {
  for (const p of pages) {
    const layout = htmlLayout(p.html);
    readBlocks(layout.blocks, { structure: layout.structure, comments: layout.comments });
  }
});
const t = performance.now();
for (const p of pages) readabilityText(p.html);
const out: SpeedPasses = {
  mb: texts.reduce((n, x) => n + Buffer.byteLength(x), 0) / 1e6,
  pages: pages.length,
  text,
  html,
  readabilityMs: performance.now() - t,
};
process.stdout.write(JSON.stringify(out));
