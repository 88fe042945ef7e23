import { type DevPage, loadArticleExtraction, loadTrafilaturaEval, sharedDir } from "./data.js";
import { generatePages, loadArticles } from "./generate.js";
import { type Example, generatedExample, realExamples, SeenCounter } from "./train.js";

/** How many made-up portals and plain documents join the real pages. */
export const GENERATED = { portals: 250, documents: 150, seed: 11 };

export interface TrainingData {
  pages: DevPage[];
  examples: Example[];
}

/** Every training example, from `<shared>/data` only; null when the dev sets are absent. */
export function buildTrainingData(shared = sharedDir()): TrainingData | null {
  const ae = loadArticleExtraction(shared);
  const te = loadTrafilaturaEval(shared);
  if (!ae || !te) return null;
  const pages = [...ae, ...te];
  const seen = new SeenCounter();
  const examples = pages.flatMap((p) => realExamples(p, seen, true));
  const generated = generatePages(loadArticles(shared), GENERATED);
  examples.push(...generated.map((g, i) => generatedExample(g, seen, i)));
  return { pages, examples };
}
