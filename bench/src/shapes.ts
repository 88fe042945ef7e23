/** A hostile shape of input, made at any size: `make(n)` is a file of that shape, about n units big. */
export interface Shape {
  name: string;
  /** What n counts. */
  unit: string;
  n: number;
  quickN: number;
  make(n: number): { name: string; text: string };
}

const WORDS =
  "the council said on monday that it would review the plan after a long debate about costs and the roads that residents use every day".split(
    " ",
  );

/** Prose of about `chars` characters, sentences of 12 words. */
export function prose(chars: number, end = ". "): string {
  const out: string[] = [];
  let len = 0;
  for (let i = 0; len < chars; i++) {
    const w = WORDS[i % WORDS.length] as string;
    const word = i % 12 === 0 ? w[0]?.toUpperCase() + w.slice(1) : w;
    const piece = i % 12 === 11 ? `${word}${end}` : `${word} `;
    out.push(piece);
    len += piece.length;
  }
  return out.join("");
}

const repeatTo = (unit: string, chars: number) => unit.repeat(Math.max(1, Math.ceil(chars / unit.length)));

/**
 * The shapes that hurt a text pipeline (issue 9): very many short lines, one huge line, deep nesting, huge
 * tables, long runs of capitals, digits and punctuation, very long words, many names, many documents per file.
 */
export const SHAPES: Shape[] = [
  {
    name: "many short lines",
    unit: "lines",
    n: 200_000,
    quickN: 100_000,
    make: (n) => ({ name: "lines.txt", text: "a\n".repeat(n) }),
  },
  {
    name: "one huge line",
    unit: "characters",
    n: 1_000_000,
    quickN: 400_000,
    make: (n) => ({ name: "line.txt", text: prose(n, ", ") }),
  },
  {
    name: "deep nesting, past the depth limit",
    unit: "nested elements",
    n: 100_000,
    quickN: 100_000,
    make: (n) => ({
      name: "deep.html",
      text: `<html><body>${"<div>".repeat(n)}<p>${prose(200)}</p>${"</div>".repeat(n)}</body></html>`,
    }),
  },
  {
    name: "deep nesting, under the depth limit",
    unit: "nested elements, each with a paragraph",
    n: 400,
    quickN: 300,
    make: (n) => ({
      name: "nested.html",
      text: `<html><body>${Array.from({ length: n }, (_, i) => `<div><p>Level ${i}: ${prose(120)}</p>`).join("")}${"</div>".repeat(n)}</body></html>`,
    }),
  },
  {
    name: "huge table",
    unit: "rows of 4 cells",
    n: 5000,
    quickN: 2500,
    make: (n) => ({
      name: "table.html",
      text: `<html><body><article><h1>Figures of the year</h1><table>${Array.from(
        { length: n },
        (_, i) =>
          `<tr><td>Row ${i} of the table has some words in it.</td><td>${i * 7}</td><td>Second cell of row ${i} says more.</td><td>${i}%</td></tr>`,
      ).join("")}</table></article></body></html>`,
    }),
  },
  {
    name: "long run of capitals",
    unit: "characters",
    n: 400_000,
    quickN: 200_000,
    make: (n) => ({ name: "caps.txt", text: `Start here. ${repeatTo("SHOUTING WORDS IN CAPITALS ", n)}end.` }),
  },
  {
    name: "long run of digits",
    unit: "characters",
    n: 400_000,
    quickN: 200_000,
    make: (n) => ({ name: "digits.txt", text: `Start here. ${repeatTo("1234567 89 ", n)}end.` }),
  },
  {
    name: "long run of punctuation",
    unit: "characters",
    n: 400_000,
    quickN: 200_000,
    make: (n) => ({ name: "punct.txt", text: `Start here. ${repeatTo("!?.,;:-. . .", n)} end.` }),
  },
  {
    name: "very long word",
    unit: "letters",
    n: 1_000_000,
    quickN: 400_000,
    make: (n) => ({ name: "word.txt", text: `Start here. ${"abcdefghij".repeat(n / 10)} end.` }),
  },
  {
    name: "many names",
    unit: "characters",
    n: 200_000,
    quickN: 100_000,
    make: (n) => ({
      name: "names.txt",
      text: Array.from(
        { length: Math.ceil(n / 88) },
        // plain English around the names: a text the language identifier cannot place is not given to the English model
        (_, i) =>
          `Peter Hall${i % 97} told Maria Lopez${i % 89} that the meeting with Hall in Oslo would be on Monday. `,
      ).join(""),
    }),
  },
  {
    name: "many documents per file",
    unit: "related items",
    n: 400,
    quickN: 200,
    make: (n) => ({
      name: "related.txt",
      text: `Main headline of the page\n\n${prose(400)}\n\n${Array.from(
        { length: n },
        (_, i) => `Related headline number ${i}\nThe Star\n${(i % 20) + 1} hours ago\n${prose(160)}\n\n`,
      ).join("")}`,
    }),
  },
  {
    name: "many blank lines",
    unit: "blank lines",
    n: 400_000,
    quickN: 200_000,
    make: (n) => ({ name: "blank.txt", text: `${prose(200)}\n${"\n".repeat(n)}${prose(200)}` }),
  },
];
