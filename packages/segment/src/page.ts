import type { Removal } from "@sift/contracts";
import { type Block, type PageDocument, type PageReading, type ReadOptions, readBlocks, textBlocks } from "@sift/page";
import { type Draft, type Piece, slicePiece } from "./draft.js";
import { paragraphsIn } from "./paragraphs.js";

/** Reads a flattened page (or any plain text) with the page model. */
export function readTextPage(text: string, opts: ReadOptions = {}): PageReading {
  return readBlocks(textBlocks(text), opts);
}

/**
 * Drafts of the documents the page model found in a text: each run of body lines without a blank line
 * or a removed line inside is split into paragraphs as a block of text is (hard-wrapped prose joined).
 */
export function draftsOfTextPage(text: string, reading: PageReading): Draft[] {
  const { blocks } = reading;
  const piece = (i: number): Piece => {
    const b = blocks[i] as Block;
    return slicePiece(text, b.start, b.end);
  };
  const removal = (i: number, reason: string): Removal => {
    const b = blocks[i] as Block;
    return { text: b.text, reason, sourceStart: b.start, sourceEnd: b.end };
  };
  return draftsOf(reading, piece, removal, (body) => {
    const out: Piece[] = [];
    let runStart = 0;
    for (let k = 1; k <= body.length; k++) {
      const prev = body[k - 1] as number;
      const cur = body[k];
      const joined = cur !== undefined && cur === prev + 1 && (blocks[cur] as Block).gapBefore === 0;
      if (joined) continue;
      const first = blocks[body[runStart] as number] as Block;
      const last = blocks[prev] as Block;
      for (const p of paragraphsIn(text, first.start, last.end)) out.push(slicePiece(text, p.start, p.end));
      runStart = k;
    }
    return out;
  });
}

/** Documents of a reading as drafts: a document's source lines are its removals; other chrome goes with the first document. */
export function draftsOf(
  reading: PageReading,
  piece: (block: number) => Piece,
  removal: (block: number, reason: string) => Removal,
  paragraphs: (body: number[]) => Piece[] = (body) => body.map(piece),
): Draft[] {
  const owner = new Map<number, PageDocument>();
  for (const d of reading.documents) for (const i of d.sourceBlocks) owner.set(i, d);
  const drafts = reading.documents.map((d) => ({
    doc: d,
    draft: {
      role: d.role,
      title: d.title === null ? null : piece(d.title),
      paragraphs: paragraphs(d.body),
      source: { ...d.source },
      removed: [] as Removal[],
      warnings: [] as string[],
    } satisfies Draft,
  }));
  const main = drafts.find((x) => x.doc.role === "main")?.draft;
  if (main && reading.forcedBody)
    main.warnings.push(
      "the page model read none of the page as the article's text: its text is the model's best reading that has some",
    );
  const first = drafts[0]?.draft;
  for (const r of reading.removed) {
    const d = owner.get(r.block);
    const target = (d && drafts.find((x) => x.doc === d)?.draft) ?? first;
    target?.removed.push(removal(r.block, r.reason));
  }
  return drafts.map((x) => x.draft);
}
