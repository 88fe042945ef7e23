import type { SegmentedDocument } from "@sift/contracts";
import { memorySource } from "@sift/page";
import { loadPdfJs } from "./pdf.js";
import { type SegmentInput, segmentFile } from "./segment.js";

/** What the segmenter asks its parent for: the line memory of the file's source (a KV mirror, or a map in `sift process`). */
export interface SegmentDeps {
  seen?(source: string): Promise<ReadonlyMap<string, number>>;
  record?(source: string, keys: string[]): Promise<void>;
}

/** The segmenter's pure work, as a worker pool runs it (`createWorkPool` in @sift/runtime). */
export const tasks = {
  segment: async (input: SegmentInput, deps: SegmentDeps = {}): Promise<SegmentedDocument[]> => {
    const source = memorySource(input.file.name);
    const seen = deps.seen ? await deps.seen(source) : new Map<string, number>();
    const keys: string[] = [];
    const docs = await segmentFile(input, { memory: { seen, keys } });
    // recorded before the documents leave: a redelivered page finds its entry and counts once
    await deps.record?.(source, keys);
    return docs;
  },
};

const SAMPLE =
  "The council approved a new budget on Monday after weeks of debate, officials said. The plan raises spending on schools by 4.5% and on roads by 2%.\n\nMayor Jane Doe said the vote was a fair compromise. Opponents urged caution.\n";

/**
 * A worker gets ready before its first file: pdf.js and its worker code are imported, and the code for text, Markdown and HTML
 * runs on a sample so that it is compiled (every worker would otherwise pay for that on real files).
 */
export async function init(): Promise<void> {
  await loadPdfJs();
  // pdf.js would load its worker code (2 MB) on the first PDF; loaded now, it finds it set up (globalThis.pdfjsWorker)
  // @ts-expect-error: the worker module has no type declarations
  await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
  const samples: Array<[string, string, string]> = [
    ["sample.txt", "text/plain", `Budget approved\n\n${SAMPLE}`],
    ["sample.md", "text/markdown", `# Budget approved\n\n${SAMPLE}`],
    [
      "sample.html",
      "text/html",
      `<html><body><article><h1>Budget approved</h1><p>${SAMPLE}</p></article></body></html>`,
    ],
  ];
  for (let round = 0; round < 3; round++)
    for (const [name, mediaType, text] of samples) {
      const bytes = new TextEncoder().encode(text);
      const file = {
        fileId: "0".repeat(64),
        name,
        size: bytes.length,
        mediaType,
        receivedAt: new Date(0).toISOString(),
      };
      await segmentFile({ file, bytes });
    }
}
