import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOutputFile, type FileMeta, OutputFile, type TaggedDocument } from "@sift/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { createHeldDocs, isComplete, recordDocs, writeOutputStream } from "./assemble.js";

const file: FileMeta = {
  fileId: "b".repeat(64),
  name: "big.txt",
  size: 1_000_000,
  mediaType: "text/plain",
  receivedAt: "2026-11-27T10:00:00.000Z",
};

const doc = (index: number, text: string): TaggedDocument => ({
  file,
  docId: `${file.fileId}-${index}`,
  index,
  count: 2,
  role: "main",
  title: null,
  source: {},
  text,
  paragraphs: [{ start: 0, end: text.length }],
  sentences: [{ start: 0, end: text.length }],
  sourceMap: [{ start: 0, end: text.length, srcStart: index * 100, srcEnd: index * 100 + text.length }],
  warnings: [],
  removed: [],
  entities: [{ start: 0, end: 3, label: "PER", text: text.slice(0, 3), canonical: text.slice(0, 3) }],
  entityIndex: [{ canonical: text.slice(0, 3), label: "PER", mentions: 1, firstStart: 0, aliases: [] }],
});

describe("writeOutputStream", () => {
  const dir = mkdtempSync(join(tmpdir(), "sift-sink-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the same output file as building it whole, one document at a time", async () => {
    const docs = [doc(0, "Ann went home."), doc(1, "Bob stayed.")];
    const at = new Date("2026-11-27T10:01:00.000Z");
    let loaded = 0;
    await writeOutputStream(
      join(dir, "big.txt.json"),
      file,
      docs.map((d) => async () => {
        loaded++;
        return d;
      }),
      at,
    );
    const written = JSON.parse(readFileSync(join(dir, "big.txt.json"), "utf8"));
    expect(loaded).toBe(2);
    expect(OutputFile.parse(written)).toEqual(buildOutputFile(file, docs, at));
    expect(written.documents[1].paragraphs[0]).toMatchObject({ sourceStart: 100, sourceEnd: 111 });
  });
});

describe("recordDocs", () => {
  it("completes a file once every index has its sequence, whatever the order", () => {
    const s0 = { state: "received" as const, name: "x", receivedAt: "t" };
    const s1 = recordDocs([2], 3, 7)(s0)!;
    expect(isComplete(s1)).toBe(false);
    expect(recordDocs([2], 3, 7)(s1)).toBeUndefined(); // a redelivery changes nothing
    expect(isComplete(recordDocs([0, 1], 3, 9)(s1)!)).toBe(true);
  });

  it("starts afresh on a new run", () => {
    const s0 = { state: "received" as const, name: "x", receivedAt: "t" };
    const s1 = recordDocs([0], 2, 7, "a")(s0)!;
    expect(recordDocs([1], 2, 9, "b")(s1)?.docs).toEqual({ "1": 9 });
  });
});

describe("createHeldDocs", () => {
  it("gives a held document back once, and lets the oldest go past its budget of characters", () => {
    const held = createHeldDocs(10);
    held.put(1, doc(0, "abcd"));
    held.put(1, doc(1, "efgh"));
    expect(held.take(1, 0)?.text).toBe("abcd");
    expect(held.take(1, 0)).toBeUndefined();
    held.put(3, doc(2, "ijkl"));
    held.put(4, doc(3, "mnop"));
    expect(held.take(1, 1)).toBeUndefined();
    expect(held.take(4, 3)?.text).toBe("mnop");
    held.put(5, doc(4, "x".repeat(11)));
    expect(held.size).toBe(1);
  });
});
