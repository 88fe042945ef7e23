import { describe, expect, it } from "vitest";
import { DocSegmented, DocTagged, TrustedDocCleaned, TrustedDocSegmented } from "./messages.js";

const fileId = "b".repeat(64);
const doc = {
  file: { fileId, name: "a.txt", size: 40, mediaType: "text/plain", receivedAt: "2026-01-01T00:00:00.000Z" },
  docId: `${fileId}-0`,
  index: 0,
  count: 1,
  role: "main",
  title: null,
  source: {},
  text: "Jane Doe spoke. The vote passed.",
  paragraphs: [{ start: 0, end: 32 }],
  sentences: [
    { start: 0, end: 15 },
    { start: 16, end: 32 },
  ],
  sourceMap: [{ start: 0, end: 32, srcStart: 0, srcEnd: 32 }],
};
const message = (d: Record<string, unknown>) => ({
  v: 1,
  id: `${fileId}-0@segmenter.x`,
  fileId,
  producedAt: "2026-01-01T00:00:01.000Z",
  producer: { service: "segmenter", version: "0.1.0", instance: "h-1" },
  docs: [d],
});

describe("the trusted input of the cleaner and the tagger", () => {
  it("takes what the full contract takes, with the same defaults", () => {
    for (const schema of [TrustedDocSegmented, TrustedDocCleaned]) {
      const parsed = schema.parse(message(doc));
      expect(parsed).toEqual(DocSegmented.parse(message(doc)));
      expect(parsed.docs[0]?.warnings).toEqual([]);
      expect(parsed.docs[0]?.removed).toEqual([]);
    }
  });

  it("checks the envelope and every field of a document", () => {
    const { text: _t, ...noText } = doc;
    expect(TrustedDocSegmented.safeParse(message(noText)).success).toBe(false);
    expect(TrustedDocSegmented.safeParse(message({ ...doc, sentences: "0-15" })).success).toBe(false);
    expect(TrustedDocSegmented.safeParse(message({ ...doc, count: 0 })).success).toBe(false);
    expect(
      TrustedDocSegmented.safeParse(message({ ...doc, file: { ...doc.file, fileId: "c".repeat(64) } })).success,
    ).toBe(false);
    expect(TrustedDocSegmented.safeParse({ ...message(doc), v: 2 }).success).toBe(false);
  });

  it("leaves a list's elements to the sink, which checks them where the documents leave the pipeline", () => {
    const badSpan = { ...doc, sentences: [{ start: -1, end: 15 }] };
    expect(TrustedDocSegmented.safeParse(message(badSpan)).success).toBe(true);
    expect(DocSegmented.safeParse(message(badSpan)).success).toBe(false);
    const tagged = { ...badSpan, entities: [], entityIndex: [] };
    expect(DocTagged.safeParse(message(tagged)).success).toBe(false);
    expect(DocTagged.safeParse(message({ ...doc, entities: [], entityIndex: [] })).success).toBe(true);
  });
});
