/** The four model types, in model order. */
export const TYPES = ["PER", "ORG", "LOC", "MISC"] as const;
export type ModelType = (typeof TYPES)[number];

/** BILOU labels: 0 is O, then B/I/L/U for each type. */
export const NUM_LABELS = 1 + 4 * TYPES.length;
const PARTS = ["B", "I", "L", "U"] as const;

export const labelName = (y: number): string =>
  y === 0 ? "O" : `${PARTS[(y - 1) % 4]}-${TYPES[Math.floor((y - 1) / 4)]}`;
export const labelType = (y: number): number => (y === 0 ? -1 : Math.floor((y - 1) / 4));
/** 0 = B, 1 = I, 2 = L, 3 = U (meaningless for O). */
export const labelPart = (y: number): number => (y - 1) % 4;
export const makeLabel = (type: number, part: number): number => 1 + type * 4 + part;

/** allowed[prev * L + cur]; prev = NUM_LABELS is the sentence start. */
export const ALLOWED: Uint8Array = (() => {
  const a = new Uint8Array((NUM_LABELS + 1) * NUM_LABELS);
  for (let p = 0; p <= NUM_LABELS; p++) {
    for (let c = 0; c < NUM_LABELS; c++) {
      const open = p < NUM_LABELS && p !== 0 && (labelPart(p) === 0 || labelPart(p) === 1);
      let ok: boolean;
      if (open) ok = c !== 0 && labelType(c) === labelType(p) && (labelPart(c) === 1 || labelPart(c) === 2);
      else ok = c === 0 || labelPart(c) === 0 || labelPart(c) === 3;
      a[p * NUM_LABELS + c] = ok ? 1 : 0;
    }
  }
  return a;
})();

/** Labels that may end a sentence (O, L-x, U-x). */
export const CAN_END = (y: number): boolean => y === 0 || labelPart(y) === 2 || labelPart(y) === 3;

export interface Chunk {
  type: number;
  start: number;
  /** exclusive */
  end: number;
}

/** Chunks of a BILOU label sequence (decoded sequences are always well formed). */
export function chunksOfBilou(ys: ArrayLike<number>): Chunk[] {
  const out: Chunk[] = [];
  let start = -1;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i] as number;
    if (y === 0) {
      start = -1;
      continue;
    }
    const part = labelPart(y);
    if (part === 0) start = i;
    else if (part === 3) out.push({ type: labelType(y), start: i, end: i + 1 });
    else if (part === 2 && start >= 0) {
      out.push({ type: labelType(y), start, end: i + 1 });
      start = -1;
    }
  }
  return out;
}

/** Chunks of IOB1 or IOB2 tags as conlleval reads them. */
export function chunksOfIob(tags: string[]): Chunk[] {
  const out: Chunk[] = [];
  let cur: Chunk | null = null;
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i] as string;
    const prefix = tag[0];
    const type = tag === "O" ? -1 : TYPES.indexOf(tag.slice(2) as ModelType);
    const starts = type >= 0 && (prefix === "B" || cur === null || cur.type !== type);
    if (cur && (type < 0 || starts)) {
      cur.end = i;
      out.push(cur);
      cur = null;
    }
    if (starts) cur = { type, start: i, end: i + 1 };
  }
  if (cur) {
    cur.end = tags.length;
    out.push(cur);
  }
  return out;
}

export function bilouOfChunks(n: number, chunks: Chunk[]): number[] {
  const ys = new Array<number>(n).fill(0);
  for (const c of chunks) {
    if (c.end - c.start === 1) ys[c.start] = makeLabel(c.type, 3);
    else {
      ys[c.start] = makeLabel(c.type, 0);
      for (let i = c.start + 1; i < c.end - 1; i++) ys[i] = makeLabel(c.type, 1);
      ys[c.end - 1] = makeLabel(c.type, 2);
    }
  }
  return ys;
}
