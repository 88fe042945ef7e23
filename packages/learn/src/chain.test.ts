import { describe, expect, it } from "vitest";
import { LinearChain, rng, type Sequence } from "./chain.js";
import { FeatureMap } from "./feature-map.js";

// two labels, any order: 0 = "a", 1 = "b"
const free = { labels: 2, allowed: new Uint8Array(9).fill(1), canEnd: new Uint8Array([1, 1]) };

function seq(fmap: FeatureMap, words: string[], gold: number[], mask?: number[]): Sequence {
  const ids: number[] = [];
  const offs = new Int32Array(words.length + 1);
  words.forEach((w, i) => {
    ids.push(fmap.id(`w=${w}`, true));
    offs[i + 1] = ids.length;
  });
  return {
    feats: Int32Array.from(ids),
    offs,
    gold: Int32Array.from(gold),
    ...(mask ? { mask: Uint32Array.from(mask) } : {}),
  };
}

describe("LinearChain", () => {
  it("learns a separable labelling and decodes it", () => {
    const chain = new LinearChain(free);
    const fmap = new FeatureMap();
    const data = [seq(fmap, ["x", "y", "x"], [0, 1, 0]), seq(fmap, ["y", "y", "x"], [1, 1, 0])];
    const w = chain.train(data, fmap.names.length, { epochs: 5, seed: 1 });
    const test = seq(fmap, ["x", "y", "y"], [0, 1, 1]);
    expect([...chain.decode(w, test, 3)]).toEqual([0, 1, 1]);
  });

  it("keeps to the allowed transitions", () => {
    // "b" may never follow "a"
    const allowed = Uint8Array.from([1, 0, 1, 1, 1, 1]);
    const chain = new LinearChain({ labels: 2, allowed, canEnd: new Uint8Array([1, 1]) });
    const em = Float64Array.from([5, 0, 0, 5]); // item 0 wants a, item 1 wants b
    const out = new Int32Array(2);
    chain.viterbi(em, new Float64Array(6), 2, out);
    expect([...out]).not.toEqual([0, 1]);
  });

  it("finds the best path that holds a label: the best of every allowed path, by brute force", () => {
    // "c" may not follow "a", and a sequence may not end in "b": paths are pruned on both ends
    const allowed = Uint8Array.from([1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const chain = new LinearChain({ labels: 3, allowed, canEnd: new Uint8Array([1, 0, 1]) });
    const rand = rng(11);
    const score = (em: Float64Array, t: Float64Array, ys: number[]) =>
      ys.reduce(
        (s, y, i) => s + (em[i * 3 + y] as number) + (t[(i === 0 ? 3 : (ys[i - 1] as number)) * 3 + y] as number),
        0,
      );
    const ok = (ys: number[]) =>
      ys.every((y, i) => allowed[(i === 0 ? 3 : (ys[i - 1] as number)) * 3 + y] === 1) && ys.at(-1) !== 1;
    let unconstrainedMissed = 0;
    for (let round = 0; round < 200; round++) {
      const n = 1 + (round % 5);
      // label 2 is rarely worth it: most unconstrained best paths leave it out
      const em = Float64Array.from({ length: n * 3 }, (_, k) => rand() * 10 - (k % 3 === 2 ? 8 : 0));
      const t = Float64Array.from({ length: 12 }, () => rand() * 4 - 2);
      let best = Number.NEGATIVE_INFINITY;
      for (let code = 0; code < 3 ** n; code++) {
        const ys = Array.from({ length: n }, (_, i) => Math.floor(code / 3 ** i) % 3);
        if (ok(ys) && ys.includes(2)) best = Math.max(best, score(em, t, ys));
      }
      const out = new Int32Array(n);
      const found = chain.viterbiWith(em, t, n, out, 2);
      expect(found).toBe(best > Number.NEGATIVE_INFINITY);
      if (!found) continue;
      expect([...out]).toContain(2);
      expect(ok([...out])).toBe(true);
      expect(score(em, t, [...out])).toBeCloseTo(best, 9);
      const free = new Int32Array(n);
      chain.viterbi(em, t, n, free);
      if (!free.includes(2)) unconstrainedMissed++;
    }
    // the case it is for happened
    expect(unconstrainedMissed).toBeGreaterThan(20);
  });

  it("keeps to masks when decoding", () => {
    const chain = new LinearChain(free);
    const em = Float64Array.from([5, 0, 5, 0]);
    const out = new Int32Array(2);
    chain.viterbi(em, new Float64Array(6), 2, out, Uint32Array.from([0b11, 0b10]));
    expect([...out]).toEqual([0, 1]);
  });

  it("learns from partial labels: masked items pull the model, free items follow it", () => {
    const chain = new LinearChain(free);
    const fmap = new FeatureMap();
    const data: Sequence[] = [];
    const r = rng(3);
    for (let k = 0; k < 40; k++) {
      const words = Array.from({ length: 6 }, () => (r() < 0.5 ? "x" : "y"));
      // only every other item is labelled (x is a, y is b); the rest may be anything
      const mask = words.map((w, i) => (i % 2 === 0 ? (w === "x" ? 0b01 : 0b10) : 0b11));
      data.push(seq(fmap, words, new Array(6).fill(0), mask));
    }
    const w = chain.train(data, fmap.names.length, { epochs: 5, seed: 1 });
    let right = 0;
    let all = 0;
    for (let k = 0; k < 20; k++) {
      const words = Array.from({ length: 6 }, () => (r() < 0.5 ? "x" : "y"));
      const got = chain.decode(w, seq(fmap, words, []), 6);
      words.forEach((word, i) => {
        all++;
        if (got[i] === (word === "x" ? 0 : 1)) right++;
      });
    }
    expect(right / all).toBeGreaterThan(0.9);
  });

  it("shares emission rows between labels of one class", () => {
    // labels 0 and 1 share row 2: what one learns, the other scores too
    const chain = new LinearChain({
      ...free,
      classes: [
        [0, 2],
        [1, 2],
      ],
    });
    expect(chain.rows).toBe(3);
    const w = new Float64Array(3);
    w[2] = 4;
    const em = new Float64Array(2);
    chain.emissions({ w, t: new Float64Array(6) }, Int32Array.from([0]), Int32Array.from([0, 1]), 1, em);
    expect([...em]).toEqual([4, 4]);
  });

  it("weighs an item's update by its cost: a costly minority outvotes a cheap majority", () => {
    const chain = new LinearChain(free);
    const fmap = new FeatureMap();
    // the same word is "a" once, at cost 5, and "b" three times, at cost 1
    const data = [seq(fmap, ["z"], [0]), seq(fmap, ["z"], [1]), seq(fmap, ["z"], [1]), seq(fmap, ["z"], [1])];
    const flat = chain.train(data, fmap.names.length, { epochs: 10, seed: 1 });
    expect([...chain.decode(flat, seq(fmap, ["z"], []), 1)]).toEqual([1]);
    (data[0] as Sequence).cost = Float32Array.of(5);
    for (const s of data.slice(1)) s.cost = Float32Array.of(1);
    const weighed = chain.train(data, fmap.names.length, { epochs: 10, seed: 1 });
    expect([...chain.decode(weighed, seq(fmap, ["z"], []), 1)]).toEqual([0]);
  });

  it("sums training's padded rows (emissions16) to the bit as emissions sums the stored ones, with and without shared rows", () => {
    const three = { labels: 3, allowed: new Uint8Array(12).fill(1), canEnd: new Uint8Array([1, 1, 1]) };
    for (const spec of [
      three,
      {
        ...three,
        classes: [
          [0, 3],
          [1, 4],
          [2, 3],
        ],
      },
    ]) {
      const chain = new LinearChain(spec);
      const R = chain.rows;
      const rand = rng(7);
      const features = 50;
      const stored = Float64Array.from({ length: features * R }, () => (rand() - 0.5) * 1e3);
      const padded = new Float64Array(features * 16);
      for (let f = 0; f < features; f++) for (let r = 0; r < R; r++) padded[f * 16 + r] = stored[f * R + r] as number;
      const n = 20;
      const offs = Int32Array.from({ length: n + 1 }, (_, i) => i * 7);
      const feats = Int32Array.from({ length: n * 7 }, (_, k) => (k % 11 === 0 ? -1 : Math.floor(rand() * features)));
      const want = new Float64Array(n * 3);
      const got = new Float64Array(n * 3);
      chain.emissions({ w: stored, t: new Float64Array(12) }, feats, offs, n, want);
      // biome-ignore lint/complexity/useLiteralKeys: the private training path, reached as TypeScript allows a test to
      chain["emissions16"](padded, feats, offs, n, got);
      expect([...got]).toEqual([...want]);
    }
  });
});
