import { describe, expect, it } from "vitest";
import { blockFeatures, pageContext } from "./features.js";
import { htmlLayout } from "./html-layout.js";
import { Label, labelNames } from "./labels.js";
import { type Block, textBlocks } from "./lines.js";
import { htmlPageModel, pageModel } from "./model.js";
import { shapesOf } from "./shape.js";
import { stackFeatures } from "./stack.js";
import { stopWords } from "./stopwords.js";
import { type Example, withStackFeatures } from "./train/train.js";

const TEXT = [
  "Home | News | Sport | Weather",
  "Harbour board approves dredging plan",
  "By Jane Doe | 3 hours ago",
  "The harbour board approved a plan to dredge the main channel on Monday, its chairman said, after a year of delays.",
  "Work will start next year and take most of it, according to the engineers who drew up the plan.",
  "Share this",
  "More news",
  "Ferry timetable changes for the winter months ahead",
  "© Harbour Times",
].join("\n");

const HTML = `<html lang="en"><head><title>Harbour</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Harbour board approves dredging plan</h1><p class="byline">By Jane Doe</p>
<p>The harbour board approved a plan to dredge the main channel on Monday, its chairman said, after a year of delays.</p>
<figure><figcaption>The main channel at low tide. Credit: Port authority</figcaption></figure>
<p>Work will start next year and take most of it, according to the engineers who drew up the plan.</p></article>
<aside class="related"><h2>More news</h2><ul><li><a href="/a">Ferry timetable changes for the winter months ahead</a></li></ul></aside>
<footer><p>© Harbour Times</p></footer></body></html>`;

/** The run-time path (template ids, the views summed at load) against the training path (feature names). */
function bothWays(blocks: Block[]) {
  const shapes = shapesOf(blocks, stopWords("en"));
  const ctx = pageContext(blocks);
  return {
    run: Array.from(pageModel().label(blocks, shapes, ctx)),
    named: Array.from(pageModel().labelNamed(blockFeatures(blocks, shapes, ctx))),
  };
}

describe("the page model", () => {
  it("labels an HTML page the same at run time as training's named features do (the HTML view's copies included)", () => {
    const blocks = htmlLayout(HTML).blocks;
    const names = blockFeatures(blocks, shapesOf(blocks, stopWords("en")), pageContext(blocks));
    expect(names.flat().some((f) => f.startsWith("html:"))).toBe(true);
    const { run, named } = bothWays(blocks);
    expect(run).toEqual(named);
    expect(new Set(run).size).toBeGreaterThan(1);
  });

  it("reads an HTML page a second time the same both ways, and training names the second reading's features as the reader does", () => {
    const layout = htmlLayout(HTML);
    const blocks = layout.blocks;
    const shapes = shapesOf(blocks, stopWords("en"));
    const ctx = pageContext(blocks);
    const first = pageModel().label(blocks, shapes, ctx);
    const example = { blocks, features: blockFeatures(blocks, shapes, ctx), structure: layout.structure } as Example;
    const names = withStackFeatures(example, first);
    expect(names[0]).toContain(`stack=y=${labelNames[first[0] as number]}`);
    // the reader's way: over the first reading's own features, the stack features summed after them
    const stack = stackFeatures(layout.structure, blocks, first);
    const run = Array.from(htmlPageModel().labelAgain(pageModel(), blocks.length, true, stack));
    expect(run).toEqual(Array.from(htmlPageModel().labelNamed(names)));
    expect(run).toContain(Label.body);
  });

  it("labels a flattened page the same both ways, with no HTML copies", () => {
    const blocks = textBlocks(TEXT);
    expect(pageContext(blocks).html).toBe(false);
    const { run, named } = bothWays(blocks);
    expect(run).toEqual(named);
  });
});
