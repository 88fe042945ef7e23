import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { docxBomb } from "../../packages/segment/src/zip.test-helpers.js";
import { sharedDir } from "./pipeline.js";

/** What a hostile file must come to: failed/ with one of these codes, or an output (a correct reading). */
export interface Hostile {
  name: string;
  ends: { failed: string[] } | "output";
  write(path: string): Promise<void> | void;
}

const SENTENCE = "The council said on Monday that it would review the plan after a long debate about costs. ";

function repeatTo(unit: string, chars: number): string {
  return unit.repeat(Math.ceil(chars / unit.length));
}

/** The long name of the issue: 244 characters with its extension. */
export const LONG_NAME = `${"a-very-long-headline-of-a-scraped-page-".repeat(7).slice(0, 240)}.txt`;

/**
 * The hostile files of issue 9, made here, not checked in: each class that stopped the pipeline once,
 * and the shapes that hurt a text pipeline.
 */
export const HOSTILE: Hostile[] = [
  {
    name: "deep.html",
    ends: { failed: ["HTML_TOO_DEEP"] },
    write: (p) =>
      writeFileSync(
        p,
        `<html><body>${"<div>".repeat(200_000)}<p>${SENTENCE}</p>${"</div>".repeat(200_000)}</body></html>`,
      ),
  },
  { name: "lines.txt", ends: { failed: ["TOO_MANY_LINES"] }, write: (p) => writeFileSync(p, "a\n".repeat(5_000_000)) },
  // 1.2 GB of document.xml in a zip of about a megabyte, its size declared as a zip tool writes it
  {
    name: "bomb.docx",
    ends: { failed: ["ZIP_TOO_LARGE"] },
    write: async (p) => writeFileSync(p, await docxBomb(1.2e9)),
  },
  // the same kind of bomb, lying about its size: caught while inflating
  {
    name: "liar.docx",
    ends: { failed: ["ZIP_TOO_LARGE"] },
    write: async (p) => writeFileSync(p, await docxBomb(200e6, 4096)),
  },
  { name: LONG_NAME, ends: "output", write: (p) => writeFileSync(p, `A long name\n\n${SENTENCE.repeat(3)}\n`) },
  {
    name: "nul.txt",
    ends: "output",
    write: (p) => writeFileSync(p, `Stray bytes\n\n${SENTENCE}\u0000\u0000${SENTENCE}\u0000\n\n${SENTENCE}\n`),
  },
  {
    name: "huge-line.txt",
    ends: "output",
    write: (p) => writeFileSync(p, repeatTo(SENTENCE.replace(". ", ", "), 2_500_000)),
  },
  {
    name: "table.html",
    ends: "output",
    write: (p) =>
      writeFileSync(
        p,
        `<html><body><article><h1>Figures of the year</h1><table>${Array.from(
          { length: 10_000 },
          (_, i) =>
            `<tr><td>Row ${i} has some words.</td><td>${i * 7}</td><td>Cell ${i} says more.</td><td>${i}%</td></tr>`,
        ).join("")}</table></article></body></html>`,
      ),
  },
  {
    name: "capitals.txt",
    ends: "output",
    write: (p) => writeFileSync(p, `Shouting.\n\n${repeatTo("SHOUTING WORDS IN CAPITALS ", 800_000)}`),
  },
  {
    name: "digits.txt",
    ends: "output",
    write: (p) => writeFileSync(p, `Numbers.\n\n${repeatTo("1234567 89 ", 800_000)}`),
  },
  {
    name: "punctuation.txt",
    ends: "output",
    write: (p) => writeFileSync(p, `Marks.\n\n${repeatTo("!?.,;:-. . .", 600_000)}`),
  },
  {
    name: "long-word.txt",
    ends: "output",
    write: (p) => writeFileSync(p, `A long word.\n\n${"abcdefghij".repeat(200_000)}\n`),
  },
  {
    name: "names.txt",
    ends: "output",
    write: (p) =>
      writeFileSync(
        p,
        Array.from(
          { length: 12_000 },
          (_, i) => `Peter Hall${i % 97} met Maria Lopez${i % 89} and Hall in Oslo. `,
        ).join(""),
      ),
  },
  {
    name: "related.txt",
    ends: "output",
    write: (p) =>
      writeFileSync(
        p,
        `Main headline of the page\n\n${SENTENCE.repeat(4)}\n\n${Array.from(
          { length: 3000 },
          (_, i) => `Related headline number ${i}\nThe Star\n${(i % 20) + 1} hours ago\n${SENTENCE}${SENTENCE}\n\n`,
        ).join("")}`,
      ),
  },
];

/** The sample page of the issue (the news-page fixture when ../shared is there), `n` distinct copies. */
export function samplePages(n: number): Array<{ name: string; text: string }> {
  const fixture = join(sharedDir, "fixtures", "news-page", "page.txt");
  const page = existsSync(fixture)
    ? readFileSync(fixture, "utf8")
    : `Council passes budget after long debate\n\n${SENTENCE.repeat(6)}\n\nPeter Hall of Acme Corp spoke in Oslo.\n`;
  // distinct bytes, or intake would take the copies for one file
  return Array.from({ length: n }, (_, i) => ({ name: `sample-${i + 1}.txt`, text: `${page}\nCopy ${i + 1}.\n` }));
}
