import { describe, expect, it } from "vitest";
import { Label } from "./labels.js";
import { textBlocks } from "./lines.js";
import { htmlPageModel, type PageModel, pageModel } from "./model.js";
import { readBlocks } from "./read.js";
import { type BlockStructure, SECOND_READING_MAX_BLOCKS, stackFeatures } from "./stack.js";

describe("stackFeatures", () => {
  // a menu, a title, two paragraphs with a caption between them in one article element, a footer
  const blocks = textBlocks(
    ["Home News", "Harbour plan", "First paragraph of the story.", "A caption", "Second paragraph.", "© Times"].join(
      "\n",
    ),
  );
  const ARTICLE = 100;
  const structure: BlockStructure = {
    chains: [
      [0, 10, 11],
      [1, ARTICLE, 11],
      [2, ARTICLE, 11],
      [3, ARTICLE, 11],
      [4, ARTICLE, 11],
      [5, 12, 11],
    ],
    looks: ["li.|ul.", "h1.|article.", "p.|article.", "p.caption|article.", "p.|article.", "p.|footer."],
  };
  const L = Label;
  const labels = Int32Array.from([L.pre, L.title, L.body, L.inner, L.body, L.post]);
  const features = stackFeatures(structure, blocks, labels);

  it("tells a block its first label, its neighbours' and where it stands to the body", () => {
    const caption = features[3] as string[];
    expect(caption).toEqual(
      expect.arrayContaining(["y=inner", "p1=body", "n1=body", "p2=title", "n2=post", "span=inside", "dist=1"]),
    );
    expect(features[0]).toEqual(expect.arrayContaining(["p1=none", "p2=none", "span=before", "dist=2"]));
    expect(features[5]).toEqual(expect.arrayContaining(["n1=none", "span=after", "y.span=post.after"]));
  });

  it("tells how much of each container above a block was read as body, and how blocks that look alike were read", () => {
    const inArticle = blocks.slice(1, 5).reduce((n, b) => n + b.text.length, 0);
    const body = (blocks[2]?.text.length ?? 0) + (blocks[4]?.text.length ?? 0);
    // share buckets: 0, < .25, < .5, < .75, < 1, 1
    const bucket = (x: number) => (x <= 0 ? 0 : x < 0.25 ? 1 : x < 0.5 ? 2 : x < 0.75 ? 3 : x < 1 ? 4 : 5);
    expect(features[3]).toContain(`c1=${bucket(body / inArticle)}`);
    expect(features[3]).toContain(`y.c1=inner.${bucket(body / inArticle)}`);
    expect(features[0]).toContain("c1=0");
    // the two plain paragraphs look alike, and the other was read as body; the caption looks like no other block
    expect(features[2]).toEqual(expect.arrayContaining(["alike=5", "alike.n=2"]));
    expect(features[3]).toContain("alike=none");
  });

  it("says so when the first reading found no body", () => {
    const none = stackFeatures(structure, blocks, new Int32Array(6).fill(L.pre));
    expect(none.every((f) => f.includes("span=none") && f.includes("c1=0"))).toBe(true);
  });
});

describe("the second reading", () => {
  it("reads a page of up to SECOND_READING_MAX_BLOCKS blocks twice, a larger one (a table, a data dump) once", () => {
    let calls = 0;
    const second = {
      labelAgain: (...args: Parameters<PageModel["labelAgain"]>) => {
        calls++;
        return htmlPageModel().labelAgain(...args);
      },
    } as PageModel;
    const page = (n: number) => {
      const blocks = textBlocks(Array.from({ length: n }, (_, i) => `Row ${i} has some words.`).join("\n"));
      const structure = { chains: blocks.map((_, i) => [i, n]), looks: blocks.map(() => "td.|tr.") };
      return { blocks, structure };
    };
    const small = page(20);
    readBlocks(small.blocks, { model: pageModel(), htmlModel: second, structure: small.structure });
    expect(calls).toBe(1);
    const large = page(SECOND_READING_MAX_BLOCKS + 1);
    readBlocks(large.blocks, { model: pageModel(), htmlModel: second, structure: large.structure });
    expect(calls).toBe(1);
  });
});
