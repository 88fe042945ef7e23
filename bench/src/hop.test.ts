import { createCleaner } from "@sift/clean";
import { Consumers, DocTagged, FileReceived, type TaggedDocument } from "@sift/contracts";
import { segmentFile, sniffMediaType } from "@sift/segment";
import { describe, expect, it } from "vitest";
import { fileHop } from "./hop.js";
import { documentMessages } from "./stages.js";

const text = (i: number) =>
  `Report ${i}\n\n${"Maria Lopez met the mayor of Lisbon on Monday to talk about the port. ".repeat(20 + i)}\n\nA second paragraph ${i}.\n`;

async function documents(files: number) {
  const segmented = [];
  for (let i = 0; i < files; i++) {
    const bytes = new TextEncoder().encode(text(i));
    const name = `r${i}.txt`;
    const file = {
      fileId: i.toString(16).padStart(64, "0"),
      name,
      size: bytes.length,
      mediaType: sniffMediaType(bytes, name),
      receivedAt: new Date(0).toISOString(),
    };
    segmented.push(...(await segmentFile({ file, bytes })));
  }
  const clean = createCleaner();
  const cleaned = segmented.map((d) => clean(d));
  // entities do not change what a message is: none, so no model is loaded here
  const tagged = cleaned.map((d): TaggedDocument => ({ ...d, entities: [], entityIndex: [] }));
  return { segmented, cleaned, tagged };
}

describe("the hop section's messages", () => {
  it("are what the stages send: one file's documents each, taken in by the next stage, ids distinct across hops", async () => {
    const kinds = documentMessages(await documents(3));
    expect(kinds.map((k) => [k.kind, k.to.durable])).toEqual([
      ["segmented", "cleaner"],
      ["cleaned", "tagger"],
      ["tagged", "sink"],
    ]);
    const ids = new Set<string>();
    for (const k of kinds) {
      expect(k.messages).toHaveLength(3);
      expect(k.subject).toBe(k.to.filter);
      for (const m of k.messages) {
        expect(k.schema.safeParse(JSON.parse(JSON.stringify(m))).success, `${k.kind} ${m.id}`).toBe(true);
        const docs = m.docs as Array<{ file: { fileId: string } }>;
        expect(new Set(docs.map((d) => d.file.fileId)).size).toBe(1);
        ids.add(m.id);
      }
    }
    // one Nats-Msg-Id per message: a hop whose ids repeat another's would be dropped by JetStream as duplicates
    expect(ids.size).toBe(9);
    expect(DocTagged.safeParse(kinds[2]?.messages[0]).success).toBe(true);
  });

  it("carry a small file's bytes inside and a large one's by the object store, as intake does", () => {
    const small = { name: "a.txt", format: "txt" as const, kind: "t", bytes: new TextEncoder().encode("Hello.\n") };
    const large = { name: "b.txt", format: "txt" as const, kind: "t", bytes: new Uint8Array(300 * 1024).fill(65) };
    const hop = fileHop("test", [small, large]);
    expect(hop.consumer).toEqual(Consumers.segmenter);
    const [a, b] = hop.messages.map((m) => FileReceived.parse(m));
    expect(Buffer.from(a?.content ?? "", "base64").toString()).toBe("Hello.\n");
    expect(a?.file.bytesInline).toBe(true);
    expect(b?.content).toBeUndefined();
    expect(b?.object?.size).toBe(300 * 1024);
    expect(Buffer.from(hop.objects?.[b?.object?.name ?? ""] ?? "", "base64")).toEqual(Buffer.from(large.bytes));
    expect(new Set(hop.messages.map((m) => m.id)).size).toBe(2);
  });
});
