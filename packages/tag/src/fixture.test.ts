import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CleanedDocument } from "@sift/contracts";
import { describe, expect, it } from "vitest";
import { loadTagger } from "./tag.js";

const fixture = fileURLToPath(new URL("../../../../shared/fixtures/news-page/", import.meta.url));
const present = existsSync(`${fixture}expected.json`);
if (!present) console.log(`skipping the news-page fixture: ${fixture} is absent`);

interface ExpectedEntity {
  canonical: string;
  label: string;
  mentions?: number;
  aliases?: string[];
}
interface ExpectedDoc {
  title: string;
  paragraphs: string[];
  entities: ExpectedEntity[];
}

/** A cleaned document as the pipeline hands it over: title, blank line, paragraphs. */
function documentOf(d: ExpectedDoc, index: number): CleanedDocument {
  const text = `${d.title}\n\n${d.paragraphs.join("\n\n")}`;
  const paragraphs: Array<{ start: number; end: number }> = [];
  let at = d.title.length + 2;
  for (const p of d.paragraphs) {
    paragraphs.push({ start: at, end: at + p.length });
    at += p.length + 2;
  }
  return {
    file: {
      fileId: "0".repeat(64),
      name: "page.txt",
      size: text.length,
      mediaType: "text/plain",
      receivedAt: "2026-01-01T00:00:00.000Z",
    },
    docId: `${"0".repeat(64)}-${index}`,
    index,
    count: 4,
    role: index === 0 ? "main" : "related",
    title: d.title,
    source: {},
    text,
    paragraphs,
    sentences: paragraphs,
    sourceMap: [],
    warnings: [],
    removed: [],
  };
}

describe.skipIf(!present)("news-page fixture", () => {
  const expected = present
    ? (JSON.parse(readFileSync(`${fixture}expected.json`, "utf8")) as {
        documents: ExpectedDoc[];
        mustNotBeEntities: string[];
      })
    : { documents: [], mustNotBeEntities: [] };
  const tag = loadTagger();
  const tagged = expected.documents.map((d, i) => tag(documentOf(d, i)));

  expected.documents.forEach((d, i) => {
    it(`document ${i}: every expected entity, with its label, canonical name, mention count and aliases`, () => {
      const index = tagged[i]?.entityIndex ?? [];
      for (const e of d.entities) {
        const entry = index.find((x) => x.canonical === e.canonical && x.label === e.label);
        expect(entry, `${e.label} ${e.canonical}`).toBeDefined();
        if (e.mentions !== undefined) expect(entry?.mentions, `mentions of ${e.canonical}`).toBe(e.mentions);
        for (const alias of e.aliases ?? []) expect(entry?.aliases, `aliases of ${e.canonical}`).toContain(alias);
      }
    });
  });

  it("tags none of the chrome words, and every span matches its text", () => {
    for (const doc of tagged) {
      for (const e of doc.entities) {
        expect(expected.mustNotBeEntities).not.toContain(e.text);
        expect(doc.text.slice(e.start, e.end)).toBe(e.text);
      }
      expect(doc.entityIndex.reduce((n, x) => n + x.mentions, 0)).toBe(doc.entities.length);
    }
  });
});
