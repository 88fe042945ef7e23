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
    // recorded before the documents leave (a service may write it while they do, before it acks): a redelivered
    // page finds its entry and counts once
    await deps.record?.(source, keys);
    return docs;
  },
};

const SAMPLE =
  "The council approved a new budget on Monday after weeks of debate, officials said. The plan raises spending on schools by 4.5% and on roads by 2%.\n\nMayor Jane Doe said the vote was a fair compromise. Opponents urged caution.\n";

/**
 * A worker gets ready before its first file: pdf.js and its worker code are imported, and the code for text, Markdown and HTML
 * runs on a sample so that it is compiled (every worker would otherwise pay for that on real files). The service's own
 * process (`inline`) reads only small text, Markdown and HTML files (`readsInline`): it does not load pdf.js (~35 MB).
 */
export async function init(how: { inline?: boolean } = {}): Promise<void> {
  if (!how.inline) {
    await loadPdfJs();
    // pdf.js would load its worker code (2 MB) on the first PDF; loaded now, it finds it set up (globalThis.pdfjsWorker)
    // @ts-expect-error: the worker module has no type declarations
    await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
  }
  // a page of some size, with chrome and related items, read a few times: the hot loops reach the optimising compiler
  const body = Array.from({ length: 12 }, (_, i) => `${SAMPLE.replace("Monday", `Monday ${i + 1}`)}`).join("\n");
  const related = Array.from({ length: 4 }, (_, i) => `Related story ${i + 1}\nThe Star\n${i + 2} hours ago\n`).join(
    "\n",
  );
  const chrome = "Home | World | Sport | Business\nSign in\nShare this article\n";
  const paragraphs = body
    .split("\n\n")
    .map((p) => `<p>${p}</p>`)
    .join("");
  const samples: Array<[string, string, string]> = [
    ["sample.txt", "text/plain", `${chrome}Budget approved\nThe Star\n5 hours ago\n\n${body}\n${related}`],
    ["sample.md", "text/markdown", `# Budget approved\n\n${body}\n\n## More\n\n- one item\n- another item\n`],
    [
      "sample.html",
      "text/html",
      `<html><body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article class="story"><h1>Budget approved</h1><div class="byline">By Jane Roe, 5 hours ago</div>${paragraphs}</article><aside class="related"><ul>${related
        .split("\n\n")
        .map((r) => `<li><a href="/x">${r}</a></li>`)
        .join("")}</ul></aside><footer>Copyright The Star</footer></body></html>`,
    ],
  ];
  for (let round = 0; round < 8; round++)
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
