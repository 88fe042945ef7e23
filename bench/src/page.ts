import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Readability } from "@mozilla/readability";
import { createCleaner } from "@sift/clean";
import type { FileMeta } from "@sift/contracts";
import { htmlLayout, identifyLanguage, Label, PageModel, readBlocks, textBlocks } from "@sift/page";
import {
  buildTrainingData,
  countSnippets,
  type DevPage,
  flattenHtml,
  GENERATED,
  generatePages,
  loadArticleExtraction,
  loadArticles,
  loadTrafilaturaEval,
  type Score,
  scoreExtraction,
  snippetScore,
  trainPageModels,
} from "@sift/page/train";
import { segmentFile } from "@sift/segment";
import { parseHTML } from "linkedom";
import type { Pass, SpeedPasses } from "./page-speed.js";
import type { BenchRow, BenchSection } from "./table.js";

/** Readability.js over linkedom: what a Node user would pick. */
export function readabilityText(html: string): string {
  const { document } = parseHTML(html);
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  return article?.textContent ?? "";
}

const clean = createCleaner();

export interface MainText {
  /** The main document's text as the output has it (title first), or null when Sift refused the page. */
  text: string | null;
  /** Its paragraphs only. */
  body: string | null;
}

/** What the pipeline keeps of a page as its main document: segmenter and cleaner, the same code the services run. */
export async function siftMainText(
  content: string,
  mediaType: "text/html" | "text/plain",
  models?: { model: PageModel; htmlModel: PageModel },
): Promise<MainText> {
  const bytes = Buffer.from(content, "utf8");
  const file: FileMeta = {
    fileId: createHash("sha256").update(bytes).digest("hex"),
    name: mediaType === "text/html" ? "page.html" : "page.txt",
    size: bytes.length,
    mediaType,
    receivedAt: new Date(0).toISOString(),
  };
  try {
    const main = (await segmentFile({ file, bytes }, models ?? {})).find((d) => d.role === "main");
    if (!main) return { text: "", body: "" };
    const c = clean(main);
    return { text: c.text, body: c.paragraphs.map((p) => c.text.slice(p.start, p.end)).join("\n\n") };
  } catch (err) {
    if ((err as { code?: string }).code === "NO_BODY") return { text: null, body: null };
    throw err;
  }
}

interface Figures {
  ae: Score;
  te: Score;
  /** Pages with no main document (NO_BODY), of each set. */
  refusedAe: number;
  refusedTe: number;
}

/** Scores texts of the dev pages: the benchmark's metric on article-extraction-dev, the snippets on trafilatura-eval-dev. */
function figures(pages: DevPage[], text: (p: DevPage) => string | null): Figures {
  const ae = pages.filter((p) => p.set === "ae");
  const te = pages.filter((p) => p.set === "te");
  return {
    ae: scoreExtraction(ae.map((p) => ({ gold: p.gold ?? "", pred: text(p) ?? "" }))),
    te: snippetScore(te.map((p) => countSnippets(text(p) ?? "", p.with ?? [], p.without ?? []))),
    refusedAe: ae.filter((p) => text(p) === null).length,
    refusedTe: te.filter((p) => text(p) === null).length,
  };
}

/**
 * The page model's figures on pages it was not trained on: each fold's pages are read through the pipeline's
 * own segmenter and cleaner by a model trained on the other folds (generated pages train every fold).
 */
async function crossValidated(
  pages: DevPage[],
  k: number,
): Promise<{ flat: Map<string, MainText>; html: Map<string, MainText> }> {
  const data = buildTrainingData();
  if (!data) throw new Error("training data absent");
  const foldOf = new Map(pages.map((p, i) => [p.id, i % k]));
  const flat = new Map<string, MainText>();
  const html = new Map<string, MainText>();
  for (let fold = 0; fold < k; fold++) {
    process.stderr.write(`bench: page model fold ${fold + 1}/${k}\n`);
    const train = data.examples.filter((e) => e.page === null || foldOf.get(e.page.id) !== fold);
    const stored = trainPageModels(train);
    const models = { model: new PageModel(stored.page), htmlModel: new PageModel(stored.html) };
    for (const p of pages.filter((x) => foldOf.get(x.id) === fold)) {
      flat.set(p.id, await siftMainText(flattenHtml(p.html), "text/plain", models));
      html.set(p.id, await siftMainText(p.html, "text/html", models));
    }
  }
  return { flat, html };
}

const f4 = (x: number) => Math.round(x * 10_000) / 10_000;

export const benchPage: BenchSection = async ({ quick, shared }) => {
  const ae = loadArticleExtraction(shared);
  const te = loadTrafilaturaEval(shared);
  if (!ae || !te)
    return [{ group: "page", name: "page reading", value: 0, unit: "", note: "skipped: the dev sets are absent" }];
  const pages = [...ae, ...te];
  const rows: BenchRow[] = [];
  const flatText = new Map(pages.map((p) => [p.id, flattenHtml(p.html)]));
  const how = quick
    ? "committed model, trained on these pages (not evidence: run without --quick for cross-validation)"
    : "5-fold cross-validation";
  let flat: Map<string, MainText>;
  let html: Map<string, MainText>;
  if (quick) {
    flat = new Map();
    html = new Map();
    for (const p of pages) {
      flat.set(p.id, await siftMainText(flatText.get(p.id) ?? "", "text/plain"));
      html.set(p.id, await siftMainText(p.html, "text/html"));
    }
  } else ({ flat, html } = await crossValidated(pages, 5));
  const add = (name: string, f: Figures, note: string) => {
    rows.push({
      group: "page",
      name: `${name} article-extraction-dev F1`,
      value: f4(f.ae.f1),
      unit: "",
      note: `P ${f4(f.ae.precision)} R ${f4(f.ae.recall)}; ${note}`,
    });
    rows.push({
      group: "page",
      name: `${name} trafilatura-eval-dev F1`,
      value: f4(f.te.f1),
      unit: "",
      note: `P ${f4(f.te.precision)} R ${f4(f.te.recall)}; ${note}`,
    });
    rows.push({
      group: "page",
      name: `${name} pages refused`,
      value: f.refusedAe + f.refusedTe,
      unit: "pages",
      note: `${f.refusedAe} of ${pages.filter((p) => p.set === "ae").length} article-extraction-dev, ${f.refusedTe} of ${pages.filter((p) => p.set === "te").length} trafilatura-eval-dev`,
    });
  };
  add(
    "flattened: sift",
    figures(pages, (p) => flat.get(p.id)?.text ?? null),
    how,
  );
  add(
    "flattened: keep everything",
    figures(pages, (p) => flatText.get(p.id) ?? ""),
    "the whole flattened page",
  );
  // the benchmark's gold has no title: the HTML figures score paragraphs, as Readability's textContent has none
  add(
    "html: sift",
    figures(pages, (p) => html.get(p.id)?.body ?? null),
    how,
  );
  const readability = new Map(pages.map((p) => [p.id, readabilityText(p.html)]));
  add(
    "html: readability+linkedom",
    figures(pages, (p) => readability.get(p.id) ?? ""),
    "Readability.js 0.6 over linkedom",
  );

  // speed of the committed model, warm, in a process of its own (see page-speed.ts): reading flattened pages,
  // and HTML pages, each timed over all pages five times, the fastest pass reported, the others in the note,
  // with the main thread's CPU time of the fastest (steadier than the wall on a busy host)
  const speed = JSON.parse(
    execFileSync(process.execPath, [fileURLToPath(new URL("./page-speed.js", import.meta.url)), shared], {
      maxBuffer: 16 * 1024 * 1024,
      encoding: "utf8",
    }),
  ) as SpeedPasses;
  const fastest = (ps: Pass[]): Pass => ps.reduce((a, b) => (b.ms < a.ms ? b : a));
  const { mb, text: textPasses, html: htmlPasses, readabilityMs } = speed;
  const textBest = fastest(textPasses);
  const mbps = (ms: number) => (mb / (ms / 1000)).toFixed(2);
  rows.push({
    group: "page",
    name: "plain-text page reading",
    value: mb / (textBest.ms / 1000),
    unit: "MB/s",
    note: `${pages.length} flattened pages, ${mb.toFixed(1)} MB; passes ${textPasses.map((p) => mbps(p.ms)).join(", ")} MB/s${textBest.cpuMs ? `; the fastest ${mbps(textBest.cpuMs)} MB/s of main-thread CPU time` : ""}`,
  });
  const htmlBest = fastest(htmlPasses);
  const pps = (ms: number) => ((pages.length * 1000) / ms).toFixed(1);
  rows.push({
    group: "page",
    name: "sift HTML page reading",
    value: (pages.length * 1000) / htmlBest.ms,
    unit: "pages/s",
    note: `parse, rules, features, two readings by the model; passes ${htmlPasses.map((p) => pps(p.ms)).join(", ")} pages/s${htmlBest.cpuMs ? `; the fastest ${pps(htmlBest.cpuMs)} pages/s of main-thread CPU time` : ""}`,
  });
  rows.push({
    group: "page",
    name: "readability HTML pages/s",
    value: (pages.length * 1000) / readabilityMs,
    unit: "pages/s",
    note: "linkedom parse + Readability, one pass in the speed passes' process",
  });

  // language: agreement with the page's own <html lang>, where it declares one
  let declared = 0;
  let agree = 0;
  for (const p of pages) {
    const lang = htmlLayout(p.html).declaredLanguage;
    if (!lang) continue;
    declared++;
    const found = identifyLanguage(html.get(p.id)?.text ?? flatText.get(p.id) ?? "").code;
    if (found === lang || (lang === "nb" && found === "no") || (lang === "nn" && found === "no")) agree++;
  }
  rows.push({
    group: "page",
    name: "language agrees with <html lang>",
    value: f4(agree / Math.max(1, declared)),
    unit: "",
    note: `${agree} of ${declared} pages that declare one`,
  });
  rows.push(...unseenPortals(shared));
  return rows;
};

/**
 * Pages of the sample's shape from made-up portals the committed model was not trained on (the generator with
 * another seed), and plain documents (notes, letters, reports): how many are read line for line as made, and
 * the body lines found. The generator's own vocabulary of chrome and layouts: an upper bound for other portals.
 */
function unseenPortals(shared: string): BenchRow[] {
  const made = generatePages(loadArticles(shared), { portals: 100, documents: 60, seed: GENERATED.seed + 1 });
  return (["page", "document"] as const).map((kind) => {
    const of = made.filter((g) => g.kind === kind);
    let exact = 0;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const g of of) {
      const { labels } = readBlocks(textBlocks(g.text));
      let right = true;
      g.labels.forEach((y, i) => {
        const found = labels[i];
        if (found !== y) right = false;
        if (found === Label.body && y === Label.body) tp++;
        else if (found === Label.body) fp++;
        else if (y === Label.body) fn++;
      });
      if (right) exact++;
    }
    return {
      group: "page",
      name:
        kind === "page"
          ? "made-up portals not trained on: pages read exactly"
          : "made-up notes and letters: read exactly",
      value: f4(exact / Math.max(1, of.length)),
      unit: "",
      note: `${exact} of ${of.length} (generator seed ${GENERATED.seed + 1}, committed model, every line's label as made); body lines P ${f4(tp / Math.max(1, tp + fp))} R ${f4(tp / Math.max(1, tp + fn))}`,
    };
  });
}
