import { copyFileSync, existsSync, readFileSync, renameSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { createPipeline } from "@sift/cli";
import type { OutputFile } from "@sift/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalNats, startLocalNats } from "./support/nats-server.js";
import { type Pipeline, removeDir, sharedDir, startPipeline } from "./support/pipeline.js";
import { resultCounts } from "./support/stream-counts.js";
import { settled } from "./support/wait.js";

const fixture = join(sharedDir, "fixtures", "news-page", "page.txt");
const present = existsSync(fixture);
if (!present) process.stderr.write(`document-group tests skipped: ${fixture} is absent\n`);

// by default a page's documents travel together; with a budget of one character each goes in a message of its own,
// and the sink assembles the file from several, in whatever order they come
describe.skipIf(!present)("a file whose documents travel in separate messages", () => {
  let nats: LocalNats;
  let p: Pipeline;
  beforeAll(async () => {
    nats = await startLocalNats();
    p = await startPipeline({ natsUrl: nats.url, env: { SIFT_DOC_GROUP_MAX_CHARS: "1" } });
  });
  afterAll(async () => {
    await p?.stopAll();
    await nats?.stop();
    if (p) removeDir(p.dataDir);
  });

  it("gets the output one process makes of it, completed once", async () => {
    const mtime = statSync(fixture).mtime;
    const local = createPipeline();
    let expected: OutputFile;
    try {
      expected = await local.processBytes(readFileSync(fixture), { name: "page.txt", mtime });
    } finally {
      await local.close();
    }
    expect(expected.documents.length).toBeGreaterThan(1);

    // the file's time dates its "5 hours ago": the copy keeps the original's
    const hidden = join(p.dir("intake"), ".page.txt");
    copyFileSync(fixture, hidden);
    utimesSync(hidden, mtime, mtime);
    renameSync(hidden, join(p.dir("intake"), "page.txt"));
    await p.waitForOutputs(1, 30_000);

    const out = JSON.parse(readFileSync(join(p.dir("output"), "page.txt.json"), "utf8")) as OutputFile;
    expect(out.documents).toEqual(expected.documents);
    const counts = await settled(
      () => resultCounts(nats.url),
      (c) => c.completed >= 1,
      10_000,
    );
    expect(counts).toEqual({ tagged: expected.documents.length, completed: 1 });
    const tagged = p.logs("tagger").filter((l) => l.msg === "message handled");
    expect(tagged.map((l) => l.docId).sort()).toEqual(expected.documents.map((d) => d.docId).sort());
  });
});
