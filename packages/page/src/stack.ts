import type { Element } from "domhandler";
import { Label, labelNames } from "./labels.js";
import type { Block } from "./lines.js";

/**
 * Where each block of an HTML page sits in the markup, for the second reading: its owner and the elements
 * above it, and what its owner looks like.
 */
export interface BlockStructure {
  /** Per block: ids of its owner element (first) and up to `CONTAINER_LEVELS` elements above it. */
  chains: number[][];
  /** Per block: its owner's tag and class with its parent's: blocks that look alike on the page. */
  looks: string[];
}

/** How many elements above a block's owner the second reading looks at. */
const CONTAINER_LEVELS = 5;
/** Container levels that are also told together with the block's own first label. */
const PAIRED_LEVELS = 2;

const parentOf = (el: Element): Element | null => (el.parent?.type === "tag" ? (el.parent as Element) : null);

/** The structure of a page's blocks, from their owner elements. */
export function blockStructure(owners: Element[]): BlockStructure {
  const ids = new Map<Element, number>();
  const idOf = (el: Element): number => {
    let id = ids.get(el);
    if (id === undefined) {
      id = ids.size;
      ids.set(el, id);
    }
    return id;
  };
  const chains = owners.map((owner) => {
    const chain: number[] = [];
    let el: Element | null = owner;
    for (let level = 0; level <= CONTAINER_LEVELS && el; level++) {
      chain.push(idOf(el));
      el = parentOf(el);
    }
    return chain;
  });
  const looks = owners.map((o) => {
    const p = parentOf(o);
    return `${o.name}.${(o.attribs.class ?? "").trim()}|${p?.name ?? ""}.${(p?.attribs.class ?? "").trim()}`;
  });
  return { chains, looks };
}

const share = (x: number) => (x <= 0 ? 0 : x < 0.25 ? 1 : x < 0.5 ? 2 : x < 0.75 ? 3 : x < 1 ? 4 : 5);
const SHARES = 6;
const logBucket = (n: number) => (n <= 2 ? n : 1 + Math.ceil(Math.log2(n)));
const MAX_DISTANCE = 4000;

// every feature's name made once, here, and picked by numbers: a page of many blocks made ~17 strings a block
/** A label's name (index y + 1; 0: no block there). */
const NAMES = ["none", ...labelNames];
const LABELLED = (key: string) => NAMES.map((name) => `${key}=${name}`);
const OWN = LABELLED("y");
const NEIGHBOUR = ["p1", "n1", "p2", "n2"].map(LABELLED);
const SPANS = ["none", "before", "after", "inside"];
const SPAN = SPANS.map((x) => `span=${x}`);
const OWN_SPAN = NAMES.map((y) => SPANS.map((x) => `y.span=${y}.${x}`));
const DIST = Array.from({ length: logBucket(MAX_DISTANCE) + 1 }, (_, d) => `dist=${d}`);
const CONTAINER = Array.from({ length: CONTAINER_LEVELS + 1 }, (_, level) =>
  Array.from({ length: SHARES }, (_, x) => `c${level}=${x}`),
);
const OWN_CONTAINER = Array.from({ length: PAIRED_LEVELS + 1 }, (_, level) =>
  NAMES.map((y) => Array.from({ length: SHARES }, (_, x) => `y.c${level}=${y}.${x}`)),
);
const ALIKE = Array.from({ length: SHARES }, (_, x) => `alike=${x}`);
const ALIKE_NONE = "alike=none";
const ALIKE_COUNT = Array.from({ length: 6 }, (_, x) => `alike.n=${x}`);

/** Pages of more blocks are read once: a data dump, not an article (the dev pages have at most 6,570 blocks, 99% under 900). */
export const SECOND_READING_MAX_BLOCKS = 10_000;

/**
 * What a first reading of an HTML page says around each block, as features of a second reading (stacked
 * sequential learning, Cohen & Carvalho 2005): its own first label and its neighbours', where it stands
 * relative to the first reading's body, how much of each container above it was read as body, and how the
 * blocks that look like it were read. A first reading labels a block from its own features and its
 * neighbours' in a chain; the second sees the page's reading as a whole (a caption among body
 * paragraphs of one container, the same list item read two ways).
 */
export function stackFeatures(structure: BlockStructure, blocks: Block[], labels: Int32Array): string[][] {
  const { chains, looks } = structure;
  const n = labels.length;
  const isBody = (i: number) => labels[i] === Label.body;
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++)
    if (isBody(i)) {
      if (first < 0) first = i;
      last = i;
    }
  // per element: the characters below it, and those read as body
  const total = new Map<number, number>();
  const body = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const chars = Math.max(1, (blocks[i] as Block).text.length);
    for (const id of chains[i] as number[]) {
      total.set(id, (total.get(id) ?? 0) + chars);
      if (isBody(i)) body.set(id, (body.get(id) ?? 0) + chars);
    }
  }
  const alike = new Map<string, number>();
  const alikeBody = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const look = looks[i] as string;
    alike.set(look, (alike.get(look) ?? 0) + 1);
    if (isBody(i)) alikeBody.set(look, (alikeBody.get(look) ?? 0) + 1);
  }
  // blocks to the nearest body block, either way
  const toBody = new Int32Array(n);
  let seen = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (isBody(i)) seen = i;
    toBody[i] = Math.min(MAX_DISTANCE, i - seen);
  }
  seen = Number.POSITIVE_INFINITY;
  for (let i = n - 1; i >= 0; i--) {
    if (isBody(i)) seen = i;
    toBody[i] = Math.min(toBody[i] as number, MAX_DISTANCE, seen - i);
  }
  const out: string[][] = [];
  const at = (i: number) => (i < 0 || i >= n ? 0 : (labels[i] as number) + 1);
  for (let i = 0; i < n; i++) {
    const y = at(i);
    const span = first < 0 ? 0 : i < first ? 1 : i > last ? 2 : 3;
    const f = [
      OWN[y] as string,
      (NEIGHBOUR[0] as string[])[at(i - 1)] as string,
      (NEIGHBOUR[1] as string[])[at(i + 1)] as string,
      (NEIGHBOUR[2] as string[])[at(i - 2)] as string,
      (NEIGHBOUR[3] as string[])[at(i + 2)] as string,
      SPAN[span] as string,
      DIST[logBucket(toBody[i] as number)] as string,
      (OWN_SPAN[y] as string[])[span] as string,
    ];
    const chain = chains[i] as number[];
    for (let level = 1; level < chain.length; level++) {
      const id = chain[level] as number;
      const x = share((body.get(id) ?? 0) / (total.get(id) as number));
      f.push((CONTAINER[level] as string[])[x] as string);
      if (level <= PAIRED_LEVELS) f.push(((OWN_CONTAINER[level] as string[][])[y] as string[])[x] as string);
    }
    const look = looks[i] as string;
    const count = alike.get(look) as number;
    if (count >= 2) {
      const others = (alikeBody.get(look) ?? 0) - (isBody(i) ? 1 : 0);
      f.push(ALIKE[share(others / (count - 1))] as string, ALIKE_COUNT[Math.min(5, logBucket(count))] as string);
    } else f.push(ALIKE_NONE);
    out.push(f);
  }
  return out;
}
