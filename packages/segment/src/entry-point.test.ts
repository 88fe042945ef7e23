import { SiftError } from "@sift/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DOCX, sniffMediaType } from "./media-type.js";
import { segmentFile } from "./segment.js";
import { fileMeta } from "./shared.test-helpers.js";

/** The time budget a worker gives one file by default (WORK_TIMEOUT_MS): any input must stay well inside it. */
const BUDGET_MS = 60_000;

/** segmentFile on `bytes`: its documents, or the error it threw, which must be one of ours. */
async function segmentWithin(name: string, mediaType: string, bytes: Uint8Array): Promise<void> {
  const t0 = performance.now();
  try {
    const docs = await segmentFile({ file: fileMeta(name, mediaType, bytes.length), bytes });
    for (const d of docs) expect(d.text.trim()).not.toBe("");
  } catch (err) {
    expect(err, String((err as Error).stack)).toBeInstanceOf(SiftError);
    expect((err as SiftError).retryable).toBe(false);
  }
  expect(performance.now() - t0).toBeLessThan(BUDGET_MS);
}

const TYPES = ["text/plain", "text/markdown", "text/html", "application/pdf", DOCX, "application/zip", "image/png"];

/** Random HTML trees: nested elements (blocks, inline, chrome, tables, scripts), text and entities, unclosed tags now and then. */
const html = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string({ maxLength: 40 }).map((s) => s.replace(/[<&]/g, " ")),
    fc.constantFrom("&amp;", "&nbsp;", "&#8217;", "&bogus;", "<br>", "<img src=x>", "<!-- note -->", "<p>", "</div>"),
    fc
      .tuple(
        fc.constantFrom(
          "div",
          "p",
          "span",
          "a",
          "nav",
          "aside",
          "article",
          "table",
          "tr",
          "td",
          "li",
          "ul",
          "h1",
          "script",
          "svg",
          "b",
        ),
        fc.constantFrom("", ' class="content"', ' class="share nav"', ' id="main"', " hidden", ' href="/x"'),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.boolean(),
      )
      .map(([tag, attrs, kids, closed]) => `<${tag}${attrs}>${kids.join("")}${closed ? `</${tag}>` : ""}`),
  ),
})).node;

describe("segmentFile, the segmenter's entry point, on any input", () => {
  it("returns documents or throws one of our errors for random bytes of any claimed type, within its budget", () =>
    fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom(...TYPES), (bytes, type) =>
        segmentWithin("random.bin", type, bytes),
      ),
      { numRuns: 300 },
    ));

  it("does the same for random HTML trees", () =>
    fc.assert(
      fc.asyncProperty(fc.array(html, { minLength: 1, maxLength: 6 }), (nodes) => {
        const page = `<html><head><title>t</title></head><body>${nodes.join("\n")}</body></html>`;
        return segmentWithin("tree.html", "text/html", new TextEncoder().encode(page));
      }),
      { numRuns: 300 },
    ));

  it("does the same for random Unicode, read as its bytes sniff", () =>
    fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary", maxLength: 2000 }),
        fc.constantFrom("u.txt", "u.md", "u.html"),
        (s, name) => {
          const bytes = new TextEncoder().encode(s);
          return segmentWithin(name, sniffMediaType(bytes, name), bytes);
        },
      ),
      { numRuns: 300 },
    ));
});
