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
const logBucket = (n: number) => (n <= 2 ? n : 1 + Math.ceil(Math.log2(n)));
const nameOf = (y: number | undefined) => (y === undefined ? "none" : (labelNames[y] as string));

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
    toBody[i] = Math.min(4000, i - seen);
  }
  seen = Number.POSITIVE_INFINITY;
  for (let i = n - 1; i >= 0; i--) {
    if (isBody(i)) seen = i;
    toBody[i] = Math.min(toBody[i] as number, 4000, seen - i);
  }
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    const y = nameOf(labels[i]);
    const span = first < 0 ? "none" : i < first ? "before" : i > last ? "after" : "inside";
    const f = [
      `y=${y}`,
      `p1=${nameOf(labels[i - 1])}`,
      `n1=${nameOf(labels[i + 1])}`,
      `p2=${nameOf(labels[i - 2])}`,
      `n2=${nameOf(labels[i + 2])}`,
      `span=${span}`,
      `dist=${logBucket(toBody[i] as number)}`,
      `y.span=${y}.${span}`,
    ];
    const chain = chains[i] as number[];
    for (let level = 1; level < chain.length; level++) {
      const id = chain[level] as number;
      const s = share((body.get(id) ?? 0) / (total.get(id) as number));
      f.push(`c${level}=${s}`);
      if (level <= PAIRED_LEVELS) f.push(`y.c${level}=${y}.${s}`);
    }
    const look = looks[i] as string;
    const count = alike.get(look) as number;
    if (count >= 2) {
      const others = (alikeBody.get(look) ?? 0) - (isBody(i) ? 1 : 0);
      f.push(`alike=${share(others / (count - 1))}`, `alike.n=${Math.min(5, logBucket(count))}`);
    } else f.push("alike=none");
    out.push(f);
  }
  return out;
}
