import { type Chunk, TYPES } from "./labels.js";

export interface ConllSentence {
  words: string[];
  tags: string[];
}
export interface ConllDocument {
  sentences: ConllSentence[];
}

/** Reads CoNLL-2003 columns (`token POS chunk NER`); `-DOCSTART-` lines separate documents. */
export function parseConll(text: string): ConllDocument[] {
  const docs: ConllDocument[] = [];
  let doc: ConllDocument | null = null;
  let sent: ConllSentence = { words: [], tags: [] };
  const flush = () => {
    if (sent.words.length > 0) {
      if (!doc) {
        doc = { sentences: [] };
        docs.push(doc);
      }
      doc.sentences.push(sent);
    }
    sent = { words: [], tags: [] };
  };
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") {
      flush();
      continue;
    }
    const cols = trimmed.split(" ");
    if (cols[0] === "-DOCSTART-") {
      flush();
      doc = { sentences: [] };
      docs.push(doc);
      continue;
    }
    sent.words.push(cols[0] as string);
    sent.tags.push(cols[cols.length - 1] as string);
  }
  flush();
  return docs.filter((d) => d.sentences.length > 0);
}

export interface Score {
  precision: number;
  recall: number;
  f1: number;
  gold: number;
  predicted: number;
  correct: number;
}

export interface Evaluation {
  overall: Score;
  byType: Record<string, Score>;
}

const score = (gold: number, predicted: number, correct: number): Score => {
  const precision = predicted === 0 ? 0 : (100 * correct) / predicted;
  const recall = gold === 0 ? 0 : (100 * correct) / gold;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, gold, predicted, correct };
};

/** Entity-level exact-match scores (conlleval semantics), micro-averaged over the types. */
export function evaluate(pairs: Array<{ gold: Chunk[]; predicted: Chunk[] }>): Evaluation {
  const g = new Array<number>(TYPES.length).fill(0);
  const p = new Array<number>(TYPES.length).fill(0);
  const c = new Array<number>(TYPES.length).fill(0);
  for (const { gold, predicted } of pairs) {
    const keys = new Set(gold.map((x) => `${x.type}:${x.start}:${x.end}`));
    for (const x of gold) g[x.type] = (g[x.type] as number) + 1;
    for (const x of predicted) {
      p[x.type] = (p[x.type] as number) + 1;
      if (keys.has(`${x.type}:${x.start}:${x.end}`)) c[x.type] = (c[x.type] as number) + 1;
    }
  }
  const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
  const byType: Record<string, Score> = {};
  TYPES.forEach((t, i) => {
    byType[t] = score(g[i] as number, p[i] as number, c[i] as number);
  });
  return { overall: score(sum(g), sum(p), sum(c)), byType };
}

export function formatEvaluation(e: Evaluation): string {
  const row = (name: string, s: Score) =>
    `${name.padEnd(8)} P ${s.precision.toFixed(2)}  R ${s.recall.toFixed(2)}  F1 ${s.f1.toFixed(2)}  (gold ${s.gold}, predicted ${s.predicted}, correct ${s.correct})`;
  return [row("overall", e.overall), ...TYPES.map((t) => row(t, e.byType[t] as Score))].join("\n");
}
