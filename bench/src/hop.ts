import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buckets, Consumers, type FileReceived, Subjects } from "@sift/contracts";
import { envelope } from "@sift/runtime";
import { sniffMediaType } from "@sift/segment";
import { benchCorpus, type CorpusFile, smallFiles } from "./corpus.js";
import type { HopResult, HopSpec } from "./hop-child.js";
import { freePort, loadAverage, removeAtEnd, spawnGroup, stopGroup } from "./procs.js";
import { corpusDocuments, documentMessages } from "./stages.js";
import type { BenchRow, BenchSection } from "./table.js";

/** Files up to this size travel inside their message (intake's INTAKE_INLINE_MAX_BYTES default); larger ones by the object store. */
const INLINE_MAX_BYTES = 256 * 1024;
const PRODUCER = { service: "intake", version: "0", instance: "intake-bench" };

/**
 * The floor of the pipeline's hops: the corpus's own messages, as the stages send them, published by the runtime's
 * `Publisher` into Sift's streams (provisioned as the services do) and taken by the consumer of the stage they go to
 * — pulled, read, validated with that stage's schema, acked — with no stage work and no bookkeeping around them.
 * Both ends run in a process of their own that holds nothing else (the bench's own heap, with the corpus's documents
 * and the entity model, would make every GC dearer), warm; nats-server runs with GOMAXPROCS=1, as `sift start` runs
 * it. Set against what the pipeline adds to one process (the pipeline section), it says how much of that the
 * messages themselves cost.
 */
export const benchHop: BenchSection = async (o) => {
  const dir = mkdtempSync(join(tmpdir(), "sift-bench-hop-"));
  removeAtEnd(dir);
  const { corpus, deal } = await benchCorpus(o);
  const docs = await corpusDocuments(o);
  const hops: HopSpec[] = [
    fileHop("warm-up", smallFiles(deal, 500, "hop-warm-")),
    fileHop("file.received → segmenter", corpus.files),
    ...documentMessages(docs).map(
      (k): HopSpec => ({
        name: `doc.${k.kind} → ${k.to.durable}`,
        consumer: k.to,
        subject: k.subject,
        schema: k.schemaName,
        messages: k.messages,
      }),
    ),
    fileHop("small files", smallFiles(deal, 2_000, "hop-")),
  ];
  const specFile = join(dir, "hops.json");
  writeFileSync(specFile, JSON.stringify(hops));

  const bin = [...(process.env.PATH ?? "").split(":").filter(Boolean), "/usr/sbin", "/usr/local/bin"]
    .map((d) => join(d, "nats-server"))
    .find((p) => existsSync(p));
  if (!bin) throw new Error("nats-server is not installed (`apt-get install nats-server`): the hop section runs one");
  const port = await freePort();
  const server = spawnGroup(
    bin,
    ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", join(dir, "store")],
    { ...process.env, GOMAXPROCS: "1" },
    dir,
  );
  server.stdout?.resume();
  server.stderr?.resume();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("spawn", () => resolve());
      server.once("error", (err) => reject(new Error(`nats-server could not be started: ${err.message}`)));
    });
    const results = await runChild(`nats://127.0.0.1:${port}`, server.pid ?? 0, specFile);
    return hopRows(results);
  } finally {
    await stopGroup(server, 5_000);
  }
};

/** Runs the hops in `hop-child.js`; its last line of output is their results. */
async function runChild(url: string, serverPid: number, specFile: string): Promise<HopResult[]> {
  const child = spawnGroup(
    process.execPath,
    [join(import.meta.dirname, "hop-child.js"), url, String(serverPid), specFile],
    process.env,
    process.cwd(),
  );
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
  if (code !== 0) throw new Error(`hop-child exited (${code}): ${err.trim().split("\n").slice(-3).join(" / ")}`);
  return JSON.parse(out.trim().split("\n").at(-1) ?? "[]") as HopResult[];
}

function hopRows(results: HopResult[]): BenchRow[] {
  const rows: BenchRow[] = [];
  const load = loadAverage();
  const corpusHops = results.filter((r) => r.name !== "warm-up" && r.name !== "small files");
  const ms = (s: number) => (s * 1000).toFixed(0);
  for (const r of corpusHops)
    rows.push({
      group: "hop",
      name: r.name,
      value: (r.clientS + r.serverS) * 1000,
      unit: "ms",
      note: `${r.messages} messages, ${(r.bytes / 1e6).toFixed(1)} MB${r.objects ? ` (${r.objects} ${r.objects === 1 ? "file" : "files"} by the object store)` : ""}: client ${ms(r.clientS)} ms (publish ${ms(r.publishS)}, take ${ms(r.clientS - r.publishS)}), nats-server ${ms(r.serverS)} ms of CPU`,
    });
  const sum = (f: (r: HopResult) => number) => corpusHops.reduce((n, r) => n + f(r), 0);
  rows.push({
    group: "hop",
    name: "the corpus's four hops at the floor",
    value: sum((r) => r.clientS + r.serverS),
    unit: "s",
    note: `${sum((r) => r.messages)} messages, ${(sum((r) => r.bytes) / 1e6).toFixed(1)} MB: client ${sum((r) => r.clientS).toFixed(2)} s, nats-server ${sum((r) => r.serverS).toFixed(2)} s of CPU, warm; what the pipeline adds to one process (the pipeline section's NATS CPU minus one process's) is this, the bookkeeping (file state, line memory, completion) and what each process pays to run; load ${load}`,
  });
  const small = results.find((r) => r.name === "small files");
  if (small)
    rows.push({
      group: "hop",
      name: "one small file's hop at the floor",
      value: ((small.clientS + small.serverS) * 1e6) / small.messages,
      unit: "µs",
      note: `${small.messages} file.received messages of ${(small.bytes / small.messages / 1000).toFixed(1)} kB: client ${((small.clientS * 1e6) / small.messages).toFixed(0)} µs, nats-server ${((small.serverS * 1e6) / small.messages).toFixed(0)} µs of CPU a message; a small file makes four hops and one publish more (its completion)`,
    });
  return rows;
}

/** `file.received` messages as intake sends them: the bytes inside up to INLINE_MAX_BYTES, else by the object store. */
export function fileHop(name: string, list: CorpusFile[]): HopSpec {
  const objects: Record<string, string> = {};
  const receivedAt = new Date().toISOString();
  const messages = list.map((f, i): FileReceived => {
    const fileId = createHash("sha256").update(`${name}/${i}/${f.name}`).digest("hex");
    const inline = f.bytes.length <= INLINE_MAX_BYTES;
    if (!inline) objects[fileId] = Buffer.from(f.bytes).toString("base64");
    return {
      ...envelope(PRODUCER, fileId, `${fileId}@intake.${name}`),
      file: {
        fileId,
        name: f.name,
        storedName: f.name,
        size: f.bytes.length,
        mediaType: sniffMediaType(f.bytes, f.name),
        receivedAt,
        bytesInline: inline,
      },
      ...(inline
        ? { content: Buffer.from(f.bytes).toString("base64") }
        : { object: { bucket: Buckets.files, name: fileId, size: f.bytes.length } }),
    };
  });
  return {
    name,
    consumer: Consumers.segmenter,
    subject: Subjects.fileReceived,
    schema: "FileReceived",
    messages,
    objects,
  };
}
