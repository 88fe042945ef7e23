import type { DocSource } from "@sift/contracts";

/** One block of text from the markup; offsets point into the HTML string. */
export interface HtmlBlock {
  text: string;
  kind: "heading" | "paragraph" | "list-item" | "quote" | "pre";
  srcStart: number;
  srcEnd: number;
}

export interface HtmlDocument {
  role: "main" | "related" | "teaser";
  title: string | null;
  blocks: HtmlBlock[];
  source: DocSource;
}

export interface HtmlExtraction {
  documents: HtmlDocument[];
  /** Chrome taken out of the page, with why. */
  removed: Array<{ text: string; reason: string; srcStart: number; srcEnd: number }>;
}

/** First version: every <p>/<h*>/<li> outside script and style is a block of one main document. */
export function extractHtml(html: string): HtmlExtraction {
  const blocks: HtmlBlock[] = [];
  const re = /<(p|h[1-6]|li)\b[^>]*>([\s\S]*?)<\/\1>/gi;
  let title: string | null = null;
  for (const m of html.matchAll(re)) {
    const text = m[2]!
      .replace(/<[^>]+>/g, "")
      .replace(/\s+/g, " ")
      .trim();
    if (!text) continue;
    const tag = m[1]!.toLowerCase();
    const kind = tag.startsWith("h") ? "heading" : tag === "li" ? "list-item" : "paragraph";
    if (kind === "heading" && title === null) {
      title = text;
      continue;
    }
    blocks.push({ text, kind, srcStart: m.index, srcEnd: m.index + m[0].length });
  }
  return { documents: [{ role: "main", title, blocks, source: {} }], removed: [] };
}
