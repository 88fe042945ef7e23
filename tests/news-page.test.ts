import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createPipeline } from "@sift/cli";
import type { OutputFile } from "@sift/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { sharedDir } from "./support/pipeline.js";

const dir = join(sharedDir, "fixtures", "news-page");
const present = existsSync(join(dir, "page.txt"));
if (!present) process.stderr.write(`news-page tests skipped: ${dir} is absent\n`);

interface ExpectedEntity {
  canonical: string;
  label: string;
  mentions?: number;
  aliases?: string[];
}
interface Expected {
  documents: Array<{
    role: string;
    title: string;
    paragraphs: string[];
    sentenceCount?: number;
    source?: { site: string; published: string };
    entities: ExpectedEntity[];
  }>;
  boilerplate: string[];
  notContent: string[];
  mustNotBeEntities: string[];
}

/** The whole `sift process` pipeline (segment → clean → tag → output) on the sample page. */
describe.skipIf(!present)("the news-page fixture through sift process", () => {
  let out: OutputFile;
  let expected: Expected;
  let original: string;
  beforeAll(async () => {
    const bytes = readFileSync(join(dir, "page.txt"));
    original = bytes.toString("utf8");
    expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));
    const pipeline = createPipeline();
    try {
      out = await pipeline.processBytes(bytes, {
        name: "page.txt",
        mtime: statSync(join(dir, "page.txt")).mtime,
      });
    } finally {
      await pipeline.close();
    }
  });

  const slice = (text: string, s: { start: number; end: number }) => text.slice(s.start, s.end).trim();

  it("finds the four documents with their roles, titles and exact paragraphs", () => {
    expect(out.documents.map((d) => d.role)).toEqual(expected.documents.map((d) => d.role));
    expect(out.documents.map((d) => d.title)).toEqual(expected.documents.map((d) => d.title));
    out.documents.forEach((doc, i) => {
      expect(
        doc.paragraphs.map((p) => slice(doc.text, p)),
        `document ${i}`,
      ).toEqual(expected.documents[i]?.paragraphs);
    });
  });

  it("splits the main article's body into 15 sentences", () => {
    expect(out.documents[0]?.sentences).toHaveLength(expected.documents[0]?.sentenceCount ?? 15);
  });

  it("turns the site and age lines of the related items into source metadata", () => {
    expected.documents.forEach((e, i) => {
      if (!e.source) return;
      expect(out.documents[i]?.source, `document ${i}`).toMatchObject({
        site: e.source.site,
        published: e.source.published,
      });
      expect(out.documents[i]?.source.publishedAt, `document ${i}`).toMatch(/^\d{4}-\d\d-\d\dT/);
    });
  });

  it("removes every boilerplate line, with a reason, and keeps chrome out of every text", () => {
    const removed = out.documents.flatMap((d) => d.removed);
    for (const line of expected.boilerplate) {
      const r = removed.find((x) => x.text.trim() === line);
      expect(r, line).toBeDefined();
      expect(r?.reason.length, line).toBeGreaterThan(0);
      expect(original.slice(r?.sourceStart, r?.sourceEnd).trim(), line).toBe(line);
    }
    for (const doc of out.documents) {
      const lines = doc.text.split("\n").map((l) => l.trim());
      for (const line of [...expected.boilerplate, ...expected.notContent]) expect(lines, line).not.toContain(line);
    }
  });

  it("maps every paragraph, sentence and entity back to the same characters of the original", () => {
    for (const doc of out.documents) {
      for (const s of [...doc.paragraphs, ...doc.sentences, ...doc.entities]) {
        expect(original.slice(s.sourceStart, s.sourceEnd)).toBe(doc.text.slice(s.start, s.end));
      }
    }
  });

  it("finds every expected entity with its label, canonical name, mention count and aliases", () => {
    expected.documents.forEach((e, i) => {
      const doc = out.documents[i];
      for (const want of e.entities) {
        const got = doc?.entityIndex.find((x) => x.canonical === want.canonical && x.label === want.label);
        expect(got, `document ${i}: ${want.label} ${want.canonical}`).toBeDefined();
        if (want.mentions !== undefined)
          expect(got?.mentions, `document ${i}: mentions of ${want.canonical}`).toBe(want.mentions);
        for (const alias of want.aliases ?? []) {
          const mention = doc?.entities.find((x) => x.text === alias);
          expect(mention?.canonical, `document ${i}: ${alias}`).toBe(want.canonical);
        }
      }
    });
  });

  it("tags none of the words that must not be entities", () => {
    const texts = out.documents.flatMap((d) => d.entities.map((x) => x.text));
    for (const bad of expected.mustNotBeEntities) expect(texts, bad).not.toContain(bad);
  });
});
