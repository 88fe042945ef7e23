import type { SegmentedDocument, SourceMap, Span } from "@sift/contracts";

/** Builds a SegmentedDocument over `source[bodyStart, bodyEnd)` with an optional title taken from the source: one paragraph per non-empty line. */
export function docFromSource(
  source: string,
  body: { start: number; end: number },
  opts: {
    title?: { start: number; end: number };
    name?: string;
    index?: number;
    role?: SegmentedDocument["role"];
    site?: string;
  } = {},
): SegmentedDocument {
  const bodyText = source.slice(body.start, body.end);
  const title = opts.title ? source.slice(opts.title.start, opts.title.end) : null;
  const prefix = title === null ? "" : `${title}\n\n`;
  const sourceMap: SourceMap = [];
  if (opts.title)
    sourceMap.push({
      start: 0,
      end: opts.title.end - opts.title.start,
      srcStart: opts.title.start,
      srcEnd: opts.title.end,
    });
  sourceMap.push({
    start: prefix.length,
    end: prefix.length + bodyText.length,
    srcStart: body.start,
    srcEnd: body.end,
  });
  const paragraphs: Span[] = [];
  let at = 0;
  for (const line of bodyText.split("\n")) {
    const lead = line.length - line.trimStart().length;
    const t = line.trim();
    if (t) paragraphs.push({ start: prefix.length + at + lead, end: prefix.length + at + lead + t.length });
    at += line.length + 1;
  }
  const fileId = "a".repeat(64);
  const index = opts.index ?? 0;
  return {
    file: {
      fileId,
      name: opts.name ?? "page.txt",
      size: source.length,
      mediaType: "text/plain",
      receivedAt: "2026-01-01T00:00:00.000Z",
    },
    docId: `${fileId}-${index}`,
    index,
    count: 1,
    role: opts.role ?? "main",
    title,
    source: opts.site ? { site: opts.site } : {},
    text: prefix + bodyText,
    paragraphs,
    sentences: paragraphs.map((p) => ({ ...p })),
    sourceMap,
    warnings: [],
    removed: [],
  };
}
