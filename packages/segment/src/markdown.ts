import type { Removal, SourceMap } from "@sift/contracts";
import { Label, type PageReading, type ReadOptions, readBlocks, textBlocks } from "@sift/page";
import { fromMarkdown } from "mdast-util-from-markdown";
import type { Draft, Piece } from "./draft.js";

interface Node {
  type: string;
  value?: string;
  alt?: string | null;
  depth?: number;
  children?: Node[];
  position?: { start: { offset?: number }; end: { offset?: number } };
}

const BLOCK_CONTAINERS = new Set(["root", "blockquote", "list", "listItem", "table", "tableRow", "footnoteDefinition"]);
const LEAF_BLOCKS = new Set(["paragraph", "heading", "tableCell"]);

/** Plain text of inline content, each run mapped to where it stands in the Markdown. */
function inlinePiece(src: string, node: Node): Piece | null {
  const parts: string[] = [];
  const map: SourceMap = [];
  let at = 0;
  const add = (text: string, s: number, e: number) => {
    if (!text) return;
    parts.push(text);
    map.push({ start: at, end: at + text.length, srcStart: s, srcEnd: e });
    at += text.length;
  };
  const walk = (n: Node) => {
    const s = n.position?.start.offset ?? 0;
    const e = n.position?.end.offset ?? s;
    if (n.type === "text") add(n.value ?? "", s, e);
    else if (n.type === "inlineCode") {
      const v = n.value ?? "";
      const k = src.slice(s, e).indexOf(v);
      add(v, k >= 0 ? s + k : s, k >= 0 ? s + k + v.length : e);
    } else if (n.type === "break") add(" ", s, e);
    else if (n.type === "image" || n.type === "imageReference") add(n.alt ?? "", s, e);
    else if (n.type === "html") return;
    else for (const c of n.children ?? []) walk(c);
  };
  walk(node);
  const raw = parts.join("");
  const text = raw.replace(/\n/g, " ");
  // trim, keeping the map in step
  const lead = text.length - text.trimStart().length;
  const body = text.trim();
  if (!body) return null;
  const trimmed: SourceMap = [];
  for (const m of map) {
    const start = Math.max(m.start, lead);
    const end = Math.min(m.end, lead + body.length);
    if (start >= end) continue;
    const len = m.end - m.start;
    const srcLen = m.srcEnd - m.srcStart;
    const scale = (x: number) =>
      m.srcStart + (len === srcLen ? x - m.start : Math.round(((x - m.start) * srcLen) / len));
    trimmed.push({ start: start - lead, end: end - lead, srcStart: scale(start), srcEnd: scale(end) });
  }
  return {
    text: body,
    srcStart: trimmed[0]?.srcStart ?? 0,
    srcEnd: trimmed[trimmed.length - 1]?.srcEnd ?? 0,
    map: trimmed,
  };
}

/** Labels that keep a block in the document. */
const KEPT = new Set<number>([Label.title, Label.body, Label.relatedTitle, Label.relatedBody]);

/**
 * One document of a Markdown file. The page model reads the file's lines, syntax and all (a scraped page
 * saved as Markdown has menus too); a block stays unless the line it starts on reads as chrome. A leading
 * top-level heading is the title; code blocks are kept as paragraphs.
 */
export function draftMarkdown(src: string, opts: ReadOptions = {}): { drafts: Draft[]; reading: PageReading } {
  const root = fromMarkdown(src) as unknown as Node;
  const blocks: Array<{ piece: Piece; heading: number }> = [];
  const visit = (n: Node) => {
    if (LEAF_BLOCKS.has(n.type)) {
      const piece = inlinePiece(src, n);
      if (piece) blocks.push({ piece, heading: n.type === "heading" ? (n.depth ?? 1) : 0 });
    } else if (n.type === "code") {
      const v = (n.value ?? "").trim();
      const s = n.position?.start.offset ?? 0;
      const e = n.position?.end.offset ?? s;
      const k = src.slice(s, e).indexOf(v);
      if (v)
        blocks.push({
          piece: { text: v, srcStart: k >= 0 ? s + k : s, srcEnd: k >= 0 ? s + k + v.length : e },
          heading: 0,
        });
    } else if (BLOCK_CONTAINERS.has(n.type)) for (const c of n.children ?? []) visit(c);
  };
  visit(root);
  const reading = readBlocks(textBlocks(src), opts);
  const lines = reading.blocks;
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lines[mid]?.start ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const removed: Removal[] = [];
  const kept = blocks.filter((b) => {
    const i = lineOf(b.piece.srcStart);
    const label = reading.labels[i];
    if (label === undefined || KEPT.has(label)) return true;
    removed.push({
      text: b.piece.text,
      reason: reasonOf(label),
      sourceStart: b.piece.srcStart,
      sourceEnd: b.piece.srcEnd,
    });
    return false;
  });
  const first = kept[0];
  const title = first && first.heading === 1 && kept.length > 1 ? first.piece : null;
  const drafts: Draft[] = [
    {
      role: "main",
      title,
      paragraphs: (title ? kept.slice(1) : kept).map((b) => b.piece),
      source: {},
      removed,
      warnings: [],
    },
  ];
  return { drafts, reading };
}

function reasonOf(label: number): string {
  if (label === Label.pre) return "chrome before the article";
  if (label === Label.post) return "chrome after the article";
  if (label === Label.inner) return "chrome inside the article";
  return "source metadata";
}
