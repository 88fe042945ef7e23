import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deserializeModel, findEntities, MODEL_URL, tokenize } from "@sift/tag";
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
