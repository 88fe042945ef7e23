import type { Span } from "@sift/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitParagraphs } from "./paragraphs.js";
import { segmentFile } from "./segment.js";
import { splitSentences } from "./sentences.js";
import { fileMeta } from "./shared.test-helpers.js";

/** Characters that matter to the splitters, so that random text hits their rules often. */
const tricky = [..."aAbBzZ iI.?!…'\"“”‘’()[]{}•⁃-—:;,0123456789$%@/\n\n\n\t\u00a0\u2028\uFEFF"].concat([
  "Mr.",
  "U.S.",
  "a.m.",
  "Jan.",
  "1.)",
  "2)",
  " . . .",
  "...",
  "The ",
  "He ",
  "5 hours ago",
  "- The Star",
  "http://x.y/z.",
  "x@y.com",
]);
const text = fc.oneof(
  fc.array(fc.constantFrom(...tricky), { maxLength: 200 }).map((a) => a.join("")),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.string({ maxLength: 300 }),
);

function checkSpans(t: string, spans: Span[]): void {
  let prevEnd = 0;
  for (const s of spans) {
    expect(s.start).toBeGreaterThanOrEqual(0);
    expect(s.start).toBeLessThan(s.end);
    expect(s.end).toBeLessThanOrEqual(t.length);
    expect(s.start).toBeGreaterThanOrEqual(prevEnd);
    expect(t.slice(s.start, s.end).trim()).not.toBe("");
    prevEnd = s.end;
  }
}

function checkDocument(t: string, paragraphs: Span[], sentences: Span[]): void {
  checkSpans(t, paragraphs);
  checkSpans(t, sentences);
  for (const s of sentences) expect(paragraphs.some((p) => p.start <= s.start && s.end <= p.end)).toBe(true);
}

/** A page with nothing but chrome (or nothing at all) is refused as such, and that is all it may throw. */
function noBody(err: { code?: string }): [] {
  expect(err.code).toBe("NO_BODY");
  return [];
}

describe("spans for any input", () => {
  it("paragraphs and sentences are in bounds, ordered, disjoint, not blank, sentences inside paragraphs", () =>
    fc.assert(
      fc.property(text, (t) => {
        const paragraphs = splitParagraphs(t);
        checkDocument(
          t,
          paragraphs,
          paragraphs.flatMap((p) => splitSentences(t, p)),
        );
      }),
      { numRuns: 2000 },
    ));

  it("holds for the documents of any text file", async () =>
    fc.assert(
      fc.asyncProperty(text, async (t) => {
        const bytes = new TextEncoder().encode(t);
        if (bytes.length === 0 || t.trim() === "") return;
        const docs = await segmentFile({ file: fileMeta("x.txt", "text/plain", bytes.length), bytes }).catch(
          (err: Error) => {
            expect(err.name).toBe("InvalidInputError");
            return [];
          },
        );
        for (const d of docs) {
          checkDocument(d.text, d.paragraphs, d.sentences);
          for (const m of d.sourceMap) {
            expect(m.start).toBeLessThanOrEqual(m.end);
            expect(m.end).toBeLessThanOrEqual(d.text.length);
          }
        }
      }),
      { numRuns: 500 },
    ));

  it("holds for the documents of any HTML page", async () =>
    fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 4 }), async (blocks) => {
        const body = blocks.map((b) => `<p>${b.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>`).join("\n");
        const html = `<html><body><article><h1>A headline</h1>${body}</article><nav><a href="/">Home</a></nav></body></html>`;
        const bytes = new TextEncoder().encode(html);
        const docs = await segmentFile({ file: fileMeta("x.html", "text/html", bytes.length), bytes }).catch(noBody);
        for (const d of docs) {
          checkDocument(d.text, d.paragraphs, d.sentences);
          for (const m of d.sourceMap) expect(m.srcEnd).toBeLessThanOrEqual(html.length);
        }
      }),
      { numRuns: 200 },
    ));

  it("holds for the documents of any Markdown file", async () =>
    fc.assert(
      fc.asyncProperty(text, async (t) => {
        const bytes = new TextEncoder().encode(`# Title\n\n${t}`);
        const docs = await segmentFile({ file: fileMeta("x.md", "text/markdown", bytes.length), bytes }).catch(noBody);
        for (const d of docs) checkDocument(d.text, d.paragraphs, d.sentences);
      }),
      { numRuns: 300 },
    ));
});
