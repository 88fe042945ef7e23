import { toSourceSpan } from "@sift/contracts";
import { describe, expect, it } from "vitest";
import { createCleaner } from "./clean.js";
import { normalizeText } from "./normalize.js";
import { docFromSource } from "./test-docs.js";

describe("the cleaner changes characters, never lines", () => {
  it("keeps every line of a document, chrome-like or not: the segmenter decided what is content", () => {
    const source =
      "Share\nThe council met on Monday to discuss the plans for the new library.\nComments\nbur-pfc/oho/rsc";
    const out = createCleaner()(docFromSource(source, { start: 0, end: source.length }));
    expect(out.text.split("\n")).toEqual(source.split("\n"));
    expect(out.removed).toEqual([]);
  });
});

describe("normalisation with offsets", () => {
  const clean = createCleaner();
  const one = async (source: string) => clean(docFromSource(source, { start: 0, end: source.length }));

  it("repairs UTF-8 read as windows-1252 (real bytes)", async () => {
    // E2 80 99 (’) read as windows-1252 is â € ™; C3 A9 (é) is Ã ©; E2 80 94 (—) is â € ”; E2 80 9C (“) is â € œ; E2 80 9D (”) is â € + 0x9D
    const mojibake =
      "It\u00e2\u20ac\u2122s caf\u00c3\u00a9 \u00e2\u20ac\u201d ok, the minister\u00e2\u20ac\u2122s \u00e2\u20ac\u0153plan\u00e2\u20ac\u009d was approved by the council on Monday.";
    expect(mojibake).toContain("â€™");
    const out = await one(mojibake);
    expect(out.text).toBe("It’s café — ok, the minister’s “plan” was approved by the council on Monday.");
    expect(out.warnings.some((w) => w.includes("mojibake"))).toBe(true);
    const s = toSourceSpan(out.sourceMap, { start: 0, end: out.text.length });
    expect(normalizeText(mojibake.slice(s.sourceStart, s.sourceEnd))).toBe(out.text);
  });

  it("repairs UTF-8 read as ISO-8859-1 (Node's TextDecoder for windows-1252 gives C1 controls)", async () => {
    const bytes = Buffer.from(
      "The minister’s café — on Monday, the council approved the plan for the new library.",
      "utf8",
    );
    const latin1 = bytes.toString("latin1");
    expect(latin1).toContain("\u00e2\u0080\u0099");
    expect((await one(latin1)).text).toBe(
      "The minister’s café — on Monday, the council approved the plan for the new library.",
    );
  });

  it("drops invisible characters: zero-width space, soft hyphen, BOM", async () => {
    const src = new TextDecoder("utf-8", { ignoreBOM: true }).decode(
      Uint8Array.from([
        0xef,
        0xbb,
        0xbf,
        ...Buffer.from("Hel"),
        0xc2,
        0xad,
        ...Buffer.from("lo wor"),
        0xe2,
        0x80,
        0x8b,
        ...Buffer.from("ld, the committee met on Monday to agree the plans."),
      ]),
    );
    expect(src.charCodeAt(0)).toBe(0xfeff);
    const out = await one(src);
    expect(out.text).toBe("Hello world, the committee met on Monday to agree the plans.");
    const p = out.paragraphs[0];
    expect(p && toSourceSpan(out.sourceMap, p)).toMatchObject({ sourceStart: 1, sourceEnd: src.length });
  });

  it("composes NFC and collapses no-break and repeated spaces", async () => {
    const src = `Cafe\u0301 owners\u00a0and  farmers met in the town hall on Monday to talk about prices.`;
    const out = await one(src);
    expect(out.text).toBe("Café owners and farmers met in the town hall on Monday to talk about prices.");
    const w = out.text.indexOf("owners");
    expect(toSourceSpan(out.sourceMap, { start: w, end: w + 6 })).toMatchObject({ sourceStart: 6, sourceEnd: 12 });
  });

  it("splits a sentence glued at a lost line break, but not names or camel case", async () => {
    const src =
      "The vote was held on Monday and the motion passed.Officials said the result was final. (Reporting by Dmitry AntonovWriting by Maxim) See example.com and U.S.Army too.";
    const out = await one(src);
    expect(out.text).toContain("passed. Officials");
    expect(out.text).toContain("AntonovWriting");
    expect(out.text).toContain("See example.com and");
    expect(out.text).toContain("U.S.Army");
    const w = out.text.indexOf("Officials");
    expect(src.slice(...Object.values(toSourceSpan(out.sourceMap, { start: w, end: w + 9 })).slice(2))).toBe(
      "Officials",
    );
  });

  it("straightens quotes and dashes only when asked, keeping the original through the map", async () => {
    const src = "He said “yes” — twice, and the council’s members agreed with him on every point.";
    expect((await one(src)).text).toBe(src);
    const straight = createCleaner({ punctuation: true });
    const out = await straight(docFromSource(src, { start: 0, end: src.length }));
    expect(out.text).toBe(`He said "yes" - twice, and the council's members agreed with him on every point.`);
    const q = out.text.indexOf('"');
    const s = toSourceSpan(out.sourceMap, { start: q, end: q + 1 });
    expect(src.slice(s.sourceStart, s.sourceEnd)).toBe("“");
  });
});
