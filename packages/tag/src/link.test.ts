import type { Entity } from "@sift/contracts";
import { describe, expect, it } from "vitest";
import { entityIndex, linkMentions, type Mention } from "./link.js";
import { findEntities, loadModel } from "./tag.js";

const mention = (text: string, label: Mention["label"], start: number): Mention => ({
  start,
  end: start + text.length,
  label,
  tokens: text.split(" "),
});

describe("linkMentions (rules alone)", () => {
  it("links a surname and a family name to the one full name", () => {
    const ms = [
      mention("Lavrov", "PER", 0),
      mention("Sergei Lavrov", "PER", 10),
      mention("Xi Jinping", "PER", 30),
      mention("Xi", "PER", 50),
    ];
    expect(linkMentions(ms)).toEqual(["Sergei Lavrov", "Sergei Lavrov", "Xi Jinping", "Xi Jinping"]);
  });

  it("never links across labels", () => {
    const ms = [mention("Denzel Washington", "PER", 0), mention("Washington", "LOC", 30)];
    expect(linkMentions(ms)).toEqual(["Denzel Washington", "Washington"]);
  });

  it("keeps two people of one surname apart, and a short form goes to the one named last before it", () => {
    const ms = [
      mention("Clinton", "PER", 0),
      mention("Bill Clinton", "PER", 10),
      mention("Hillary Clinton", "PER", 30),
      mention("Clinton", "PER", 50),
    ];
    expect(linkMentions(ms)).toEqual(["Clinton", "Bill Clinton", "Hillary Clinton", "Hillary Clinton"]);
  });

  it("drops titles and corporate suffixes from the canonical name", () => {
    const ms = [mention("President Putin", "PER", 0), mention("Wells Fargo & Co.", "ORG", 20)];
    expect(linkMentions(ms)).toEqual(["Putin", "Wells Fargo"]);
  });

  it("indexes mentions by canonical name and label", () => {
    const es: Entity[] = [
      { start: 0, end: 2, label: "PER", text: "Xi", canonical: "Xi Jinping" },
      { start: 5, end: 15, label: "PER", text: "Xi Jinping", canonical: "Xi Jinping" },
      { start: 20, end: 30, label: "LOC", text: "Washington", canonical: "Washington" },
    ];
    expect(entityIndex(es)).toEqual([
      { canonical: "Xi Jinping", label: "PER", mentions: 2, firstStart: 0, aliases: ["Xi"] },
      { canonical: "Washington", label: "LOC", mentions: 1, firstStart: 20, aliases: [] },
    ]);
  });
});

describe("findEntities with the committed model", () => {
  const model = loadModel();
  const named = (text: string) =>
    findEntities(model, text)
      .filter((e) => ["PER", "ORG", "LOC", "MISC"].includes(e.label))
      .map((e) => ({ text: e.text, label: e.label, canonical: e.canonical }));

  it("links surnames to the full name", () => {
    const es = named(
      "Secretary of State Antony Blinken met Chinese officials on Monday. Blinken said the talks were useful. Later, Blinken flew home.",
    );
    const blinken = es.filter((e) => e.text.includes("Blinken"));
    expect(blinken).toHaveLength(3);
    for (const e of blinken) expect(e).toMatchObject({ label: "PER", canonical: "Antony Blinken" });
  });

  it("takes the surname of a person named in full for that person, unless a gazetteer knows it as a place", () => {
    const es = named(
      "On Saturday Ilham Aliyev, the president of Azerbaijan, spoke. President Vladimir Putin apologised at the time to Aliyev for the crash.",
    );
    expect(es).toContainEqual({ text: "Aliyev", label: "PER", canonical: "Ilham Aliyev" });
    expect(es).toContainEqual({ text: "Azerbaijan", label: "LOC", canonical: "Azerbaijan" });
  });

  it("links an acronym defined in parentheses, wherever it appears", () => {
    const es = named(
      "The World Health Organization (WHO) warned on Tuesday. A WHO spokesman said the WHO would send experts.",
    );
    const who = es.filter((e) => e.text === "WHO");
    expect(who).toHaveLength(3);
    for (const e of who) expect(e).toMatchObject({ label: "ORG", canonical: "World Health Organization" });
    expect(es).toContainEqual({
      text: "World Health Organization",
      label: "ORG",
      canonical: "World Health Organization",
    });
  });

  it("leaves possessives out of the span", () => {
    const text =
      "Russia's foreign ministry said Moscow was ready. Germany’s chancellor Olaf Scholz's office declined to comment.";
    const es = named(text);
    expect(es).toContainEqual({ text: "Russia", label: "LOC", canonical: "Russia" });
    expect(es).toContainEqual({ text: "Germany", label: "LOC", canonical: "Germany" });
    expect(es).toContainEqual({ text: "Olaf Scholz", label: "PER", canonical: "Olaf Scholz" });
    for (const e of findEntities(model, text)) expect(e.text).not.toMatch(/['’]s$/);
  });

  it("does not link a place to a person of the same name", () => {
    const es = named("Actor Denzel Washington arrived in Washington on Friday for the premiere.");
    expect(es).toContainEqual({ text: "Denzel Washington", label: "PER", canonical: "Denzel Washington" });
    expect(es).toContainEqual({ text: "Washington", label: "LOC", canonical: "Washington" });
  });

  it("keeps two people who share a surname apart", () => {
    const es = named(
      "Bill Clinton and Hillary Clinton arrived in Paris. Hillary Clinton spoke first. Clinton said the visit was a success.",
    );
    expect(es.filter((e) => e.text === "Bill Clinton").map((e) => e.canonical)).toEqual(["Bill Clinton"]);
    expect(es.filter((e) => e.text === "Hillary Clinton").map((e) => e.canonical)).toEqual([
      "Hillary Clinton",
      "Hillary Clinton",
    ]);
    // the short form goes to the Clinton named last before it, never to a mix of both
    expect(es.filter((e) => e.text === "Clinton").map((e) => e.canonical)).toEqual(["Hillary Clinton"]);
  });

  it("leaves short lines of everyday words alone (page furniture)", () => {
    const es = named(
      "Related Articles\n\nMost Read\n\nThe European Central Bank (ECB) raised rates. ECB President Christine Lagarde spoke.",
    );
    expect(es.map((e) => e.text)).not.toContain("Related Articles");
    expect(es.map((e) => e.text)).not.toContain("Most Read");
    expect(es).toContainEqual({ text: "ECB", label: "ORG", canonical: "European Central Bank" });
    expect(es).toContainEqual({ text: "Christine Lagarde", label: "PER", canonical: "Christine Lagarde" });
  });

  it("reads a Title Case Headline as a sentence, not as one long name", () => {
    const es = named(
      "Kremlin Acknowledges Strain In Relations With Baku\n\nMoscow remains hopeful, Kremlin spokesman Dmitry Peskov said on Monday.",
    );
    for (const e of es) expect(e.text).not.toContain("Acknowledges");
    expect(es.map((e) => e.text)).toContain("Baku");
    expect(es).toContainEqual({ text: "Dmitry Peskov", label: "PER", canonical: "Dmitry Peskov" });
  });

  it("finds number entities by rule", () => {
    const es = findEntities(
      model,
      "On July 21, 2025 the firm paid $5 million, up 12% from 38 people at 10:30 a.m. for the third time.",
    );
    const by = (label: string) => es.filter((e) => e.label === label).map((e) => e.text);
    expect(by("DATE")).toEqual(["July 21, 2025"]);
    expect(by("MONEY")).toEqual(["$5 million"]);
    expect(by("PERCENT")).toEqual(["12%"]);
    expect(by("CARDINAL")).toEqual(["38"]);
    expect(by("TIME")).toEqual(["10:30 a.m."]);
    expect(by("ORDINAL")).toEqual(["third"]);
  });
});
