import type { CleanedDocument, SegmentedDocument } from "@sift/contracts";
import { extractHtml } from "./html.js";

/** Remembers, per source, in how many documents each line key was seen. */
export interface LineMemory {
  /** Records one more document of `source` containing these distinct keys; returns each key's count after it. */
  record(source: string, keys: string[]): Promise<Map<string, number>>;
}

/** A LineMemory for one process (the `sift` CLI, tests). */
export function createInMemoryLineMemory(): LineMemory {
  const counts = new Map<string, number>();
  return {
    async record(source, keys) {
      const out = new Map<string, number>();
      for (const key of new Set(keys)) {
        const k = `${source}\u0000${key}`;
        const n = (counts.get(k) ?? 0) + 1;
        counts.set(k, n);
        out.set(key, n);
      }
      return out;
    },
  };
}

export interface CleanerDeps {
  lines: LineMemory;
}

/** First version: Unicode NFC only, nothing removed. */
export function createCleaner(_deps: CleanerDeps) {
  return async (doc: SegmentedDocument): Promise<CleanedDocument> => {
    const text = doc.text.normalize("NFC");
    // NFC may change lengths; the first version keeps the text as it is then, so offsets hold
    if (text.length !== doc.text.length) return doc;
    return { ...doc, text };
  };
}

/** The main text the cleaner keeps from a page or a text (first version: tags stripped, no chrome removed). */
export async function extractMainText(
  input: { mediaType: "text/html" | "text/plain"; content: string },
  _deps: CleanerDeps,
): Promise<string> {
  if (input.mediaType === "text/plain") return input.content.normalize("NFC");
  const main = extractHtml(input.content).documents.find((d) => d.role === "main");
  // the body only: the title is metadata, as in the article-extraction benchmark's articleBody
  return (main?.blocks ?? []).map((b) => b.text).join("\n\n");
}
