import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deserializeModel, evaluate, findEntities, MODEL_URL, parseConll, tokenize } from "@sift/tag";
import nlp from "compromise";
import type { BenchOptions, BenchRow, BenchSection } from "./table.js";

/** News documents (title + blank line + paragraphs): the BBC files of ner-resources, else the news-page fixture. */
function loadDocuments(o: BenchOptions): { docs: string[]; from: string } | null {
  const dir = join(o.shared, "data", "ner-resources", "unlabeled", "bbc");
  const want = o.quick ? 150 : 600;
  if (existsSync(dir)) {
    const docs: string[] = [];
    for (const f of readdirSync(dir).sort()) {
      for (const block of readFileSync(join(dir, f), "utf8").split(/\n\s*\n/)) {
        const lines = block.split("\n").filter((l) => l.trim() !== "");
        if (lines.length < 2) continue;
        docs.push(`${lines[0]}\n\n${lines.slice(1).join("\n\n")}`);
        if (docs.length >= want) return { docs, from: "ner-resources/unlabeled/bbc" };
      }
    }
    return { docs, from: "ner-resources/unlabeled/bbc" };
  }
  const page = join(o.shared, "fixtures", "news-page", "page.txt");
  if (existsSync(page)) return { docs: [readFileSync(page, "utf8")], from: "fixtures/news-page" };
  return null;
}

/**
 * Milliseconds of CPU time (this process, user + system) per call of `fn`, over at least `minMs` of
 * wall time, after warming up (two calls and half a second at least: the JIT and the per-word
 * caches settle by then). CPU time keeps the figure about one core when other work shares the
 * machine; GC helper threads count against the library being measured.
 */
function timeIt(fn: () => void, minMs: number): number {
  const w0 = performance.now();
  for (let k = 0; k < 2 || performance.now() - w0 < 500; k++) fn();
  let runs = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || runs < 2) {
    fn();
    runs++;
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / runs;
}

const TYPE_INDEX: Record<string, number> = { PER: 0, ORG: 1, LOC: 2, MISC: 3 };

/**
 * CoNLL-2003 dev scored the way the issue quotes library figures: each document's tokens joined by
 * spaces (sentences by line breaks), each system reads that text, and an entity counts when its
 * span maps exactly onto gold tokens with the right type (conlleval, micro-averaged over
 * PER/ORG/LOC/MISC; compromise has no MISC, which counts against it).
 */
function conllRows(o: BenchOptions, model: ReturnType<typeof deserializeModel>): BenchRow[] {
  const path = join(o.shared, "data", "conll2003", "dev.txt");
  if (!existsSync(path)) return [];
  let docs = parseConll(readFileSync(path, "utf8"));
  if (o.quick) docs = docs.slice(0, 60);
  type Chunk = { type: number; start: number; end: number };
  const pairs: Record<string, Array<{ gold: Chunk[]; predicted: Chunk[] }>> = { sift: [], compromise: [] };
  for (const doc of docs) {
    let text = "";
    const starts = new Map<number, number>();
    const ends = new Map<number, number>();
    let k = 0;
    const gold: Chunk[] = [];
    for (const s of doc.sentences) {
      if (text !== "") text += "\n";
      const base = k;
      s.words.forEach((w, i) => {
        if (i > 0) text += " ";
        starts.set(text.length, k);
        text += w;
        ends.set(text.length, k + 1);
        k++;
      });
      // gold chunks (IOB1 or IOB2) in document token positions
      let cur: Chunk | null = null;
      s.tags.forEach((tag, i) => {
        const type = tag === "O" ? -1 : (TYPE_INDEX[tag.slice(2)] ?? -1);
        const begins = type >= 0 && (tag[0] === "B" || cur === null || cur.type !== type);
        if (cur && (type < 0 || begins)) {
          gold.push(cur);
          cur = null;
        }
        if (begins) cur = { type, start: base + i, end: base + i + 1 };
        else if (cur) cur.end = base + i + 1;
      });
      if (cur) gold.push(cur);
    }
    const toChunk = (start: number, end: number, type: number): Chunk[] => {
      const a = starts.get(start);
      const b = ends.get(end);
      return a !== undefined && b !== undefined && type >= 0
        ? [{ type, start: a, end: b }]
        : [{ type, start: -1, end: -1 }];
    };
    const mine = findEntities(model, text)
      .filter((e) => e.label in TYPE_INDEX)
      .flatMap((e) => toChunk(e.start, e.end, TYPE_INDEX[e.label] as number));
    const nlpDoc = nlp(text);
    const theirs: Chunk[] = [];
    for (const [type, view] of [
      [0, nlpDoc.people()],
      [1, nlpDoc.organizations()],
      [2, nlpDoc.places()],
    ] as const) {
      for (const m of view.json({ offset: true }) as Array<{ offset: { start: number; length: number } }>) {
        let a = m.offset.start;
        let b = a + m.offset.length;
        while (a < b && !/[\p{L}\p{N}]/u.test(text[a] ?? "")) a++;
        while (b > a && !/[\p{L}\p{N}]/u.test(text[b - 1] ?? "")) b--;
        theirs.push(...toChunk(a, b, type));
      }
    }
    pairs.sift?.push({ gold, predicted: mine });
    pairs.compromise?.push({ gold, predicted: theirs });
  }
  const note = `${docs.length} documents of CoNLL-2003 dev, tokens joined by spaces; entity level, exact span and type`;
  return (["sift", "compromise"] as const).map((name) => ({
    group: "tag",
    name: `${name} CoNLL dev F1`,
    value: Math.round(evaluate(pairs[name] ?? []).overall.f1 * 100) / 100,
    unit: "F1",
    note:
      name === "compromise"
        ? `${note}; PER/ORG/LOC only`
        : `${note}; through findEntities (tokenizer, rules of the document)`,
  }));
}

/** Entity tagging: Sift's tagger (tokenizer, two-stage perceptron, rules, linking) beside compromise on the same text. */
export const benchTag: BenchSection = async (o) => {
  const rows: BenchRow[] = [];
  const t0 = performance.now();
  // read and build the model here, not through loadModel(): another section may have loaded it already
  const model = deserializeModel(readFileSync(MODEL_URL));
  rows.push({ group: "tag", name: "sift model load", value: Math.round(performance.now() - t0), unit: "ms" });
  rows.push({
    group: "tag",
    name: "sift model size",
    value: statSync(fileURLToPath(MODEL_URL)).size / 1e6,
    unit: "MB",
    note: "gzip, gazetteers and clusters included",
  });
  const corpus = loadDocuments(o);
  if (!corpus) return rows;
  const tokens = corpus.docs.reduce((n, d) => n + tokenize(d).length, 0);
  const minMs = o.quick ? 1500 : 5000;
  const note = `${corpus.docs.length} documents, ${tokens} tokens of ${corpus.from}; one core, CPU time`;
  let found = 0;
  const sift = timeIt(() => {
    found = 0;
    for (const d of corpus.docs) found += findEntities(model, d).length;
  }, minMs);
  rows.push({ group: "tag", name: "sift tokens/s", value: Math.round((tokens / sift) * 1000), unit: "tokens/s", note });
  let theirs = 0;
  const compromise = timeIt(() => {
    theirs = 0;
    for (const d of corpus.docs) {
      const doc = nlp(d);
      theirs += doc.people().length + doc.places().length + doc.organizations().length;
    }
  }, minMs);
  rows.push({
    group: "tag",
    name: "compromise tokens/s",
    value: Math.round((tokens / compromise) * 1000),
    unit: "tokens/s",
    note: `${note}; people + places + organizations`,
  });
  rows.push(...conllRows(o, model));
  rows.push({ group: "tag", name: "sift entities found", value: found, unit: "entities", note: "all 11 labels" });
  rows.push({
    group: "tag",
    name: "compromise entities found",
    value: theirs,
    unit: "entities",
    note: "PER/LOC/ORG only",
  });
  return rows;
};
