import type { KV } from "@nats-io/kv";
import type { FileState } from "@sift/contracts";
import { describe, expect, it } from "vitest";
import { createFileStateWriter } from "./file-state.js";

/** A KV bucket in memory, with compare-and-set as JetStream does it and a count of requests. */
function fakeKv() {
  const entries = new Map<string, { value: string; revision: number }>();
  let revision = 0;
  const calls = { get: 0, write: 0 };
  const tick = () => new Promise((r) => setTimeout(r, 1));
  const kv = {
    get: async (key: string) => {
      calls.get++;
      await tick();
      const e = entries.get(key);
      return e ? { operation: "PUT", revision: e.revision, json: () => JSON.parse(e.value) } : null;
    },
    create: async (key: string, value: string) => {
      calls.write++;
      await tick();
      if (entries.has(key)) throw new Error("wrong last sequence");
      entries.set(key, { value, revision: ++revision });
      return revision;
    },
    update: async (key: string, value: string, rev: number) => {
      calls.write++;
      await tick();
      if (entries.get(key)?.revision !== rev) throw new Error("wrong last sequence");
      entries.set(key, { value, revision: ++revision });
      return revision;
    },
  };
  return { kv: kv as unknown as KV, calls, state: (k: string) => JSON.parse(entries.get(k)?.value ?? "null") };
}

const init = (): FileState => ({ state: "received", name: "a.txt", receivedAt: "2026-01-01T00:00:00.000Z" });
const addDoc = (i: number) => (s: FileState) => ({ ...s, docs: { ...s.docs, [String(i)]: i + 1 } });

describe("createFileStateWriter", () => {
  it("writes the changes that arrive together in one compare-and-set, each caller seeing the state its change made", async () => {
    const { kv, calls, state } = fakeKv();
    const w = createFileStateWriter(kv);
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => w.update("f", init, addDoc(i))));
    expect(Object.keys(state("f").docs)).toEqual(["0", "1", "2", "3", "4"]);
    // each saw its own change and those before it, not those after
    expect(results.map((s) => Object.keys(s.docs ?? {}).length)).toEqual([1, 2, 3, 4, 5]);
    // the first alone, then the four that came while it was written
    expect(calls).toEqual({ get: 2, write: 2 });
  });

  it("leaves an entry as it is when no change changes it, and keeps other entries apart", async () => {
    const { kv, calls, state } = fakeKv();
    const w = createFileStateWriter(kv);
    expect(await w.update("f", init, () => undefined)).toEqual(init());
    expect(calls.write).toBe(0);
    await Promise.all([w.update("f", init, addDoc(0)), w.update("g", init, addDoc(1))]);
    expect(state("f").docs).toEqual({ "0": 1 });
    expect(state("g").docs).toEqual({ "1": 2 });
  });

  it("retries against another writer's change and keeps it", async () => {
    const { kv, state } = fakeKv();
    const w = createFileStateWriter(kv);
    const other = createFileStateWriter(kv);
    await Promise.all([w.update("f", init, addDoc(0)), other.update("f", init, addDoc(1))]);
    expect(Object.keys(state("f").docs).sort()).toEqual(["0", "1"]);
  });
});
