import { describe, expect, it } from "vitest";
import { ANY, Label, NOT_MAIN } from "../labels.js";
import { textBlocks } from "../lines.js";
import { alignWithGold, alignWithSnippets } from "./align.js";

const page = [
  "Home",
  "World",
  "Storm hits the coast",
  "The storm reached the coast on Monday night, bringing strong winds and heavy rain to the region.",
  "Officials said thousands of homes were without power while crews worked to clear the roads.",
  "Share this",
  "Related: The storm reached the coast on Monday night, bringing strong winds and heavy rain to the region.",
].join("\n");
const gold =
  "The storm reached the coast on Monday night, bringing strong winds and heavy rain to the region.\nOfficials said thousands of homes were without power while crews worked to clear the roads.";

describe("alignWithGold", () => {
  const masks = alignWithGold(textBlocks(page), gold, "Storm hits the coast");

  it("labels the article's lines body and its headline title, the rest not main", () => {
    expect([...masks].slice(0, 6)).toEqual([
      NOT_MAIN,
      NOT_MAIN,
      1 << Label.title,
      1 << Label.body,
      1 << Label.body,
      NOT_MAIN,
    ]);
  });

  it("leaves a copy of the lead outside the article unlabelled rather than calling it body", () => {
    expect(masks[6]).toBe(ANY);
  });
});

describe("alignWithSnippets", () => {
  it("labels the lines of `with` snippets body and of `without` snippets not main; the rest stays free", () => {
    const masks = alignWithSnippets(textBlocks(page), ["crews worked to clear"], ["Share this"]);
    expect(masks[4]).toBe(1 << Label.body);
    expect(masks[5]).toBe(NOT_MAIN);
    expect(masks[0]).toBe(ANY);
  });
});
