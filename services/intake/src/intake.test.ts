import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KV } from "@nats-io/kv";
import type { ObjectStore } from "@nats-io/obj";
import { FileState } from "@sift/contracts";
import { createLogger, dataDirs, type Publisher } from "@sift/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { type IntakeDeps, intakeFile } from "./intake.js";

/** The part of a KV bucket intake uses, in memory, with revisions as JetStream gives them. */
function fakeKv() {
  const entries = new Map<string, { value: string; revision: number }>();
  let revision = 0;
  const entry = (key: string) => {
    const e = entries.get(key);
    return e ? { operation: "PUT", revision: e.revision, json: () => JSON.parse(e.value) } : null;
  };
  const kv = {
    get: async (key: string) => entry(key),
    create: async (key: string, value: string) => {
      if (entries.has(key)) throw new Error("wrong last sequence");
      entries.set(key, { value, revision: ++revision });
      return revision;
    },
    update: async (key: string, value: string, rev: number) => {
      if (entries.get(key)?.revision !== rev) throw new Error("wrong last sequence");
      entries.set(key, { value, revision: ++revision });
      return revision;
    },
    put: async (key: string, value: string) => {
      entries.set(key, { value, revision: ++revision });
      return revision;
    },
  };
  const state = (key: string) => {
    const e = entries.get(key);
    return e ? FileState.parse(JSON.parse(e.value)) : undefined;
  };
  return { kv: kv as unknown as KV, entries, state };
}

describe("intakeFile", () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  const setup = (publish: (subject: string, body: { fileId: string }) => Promise<void>) => {
    const root = mkdtempSync(join(tmpdir(), "sift-intake-"));
    roots.push(root);
    const dirs = dataDirs(root);
    const store = fakeKv();
    const deps: IntakeDeps = {
      dataDir: root,
      maxFileBytes: 1_000_000,
      inlineMaxBytes: 1_000_000,
      reprocess: false,
      kv: store.kv,
      files: {} as ObjectStore,
      publisher: { publish } as unknown as Publisher,
      producer: { service: "intake", version: "test", instance: "t" },
      log: createLogger({ service: "intake", level: "silent" }),
    };
    const drop = (name: string, text: string) => {
      const path = join(dirs.intake, name);
      mkdirSync(dirs.intake, { recursive: true });
      writeFileSync(path, text);
      return { name, path, stats: lstatSync(path) };
    };
    return { root, dirs, store, deps, drop };
  };

  it("puts the original in processed/ before the message leaves, so a stage can never fail it first", async () => {
    let seen: { inProcessed: string[] } | undefined;
    const t = setup(async () => {
      seen = { inProcessed: readdirSync(t.dirs.processed) };
    });
    expect(await intakeFile(t.drop("a.txt", "Anna Berg lives in Oslo.\n"), t.deps)).toBe("received");
    expect(seen?.inProcessed).toEqual(["a.txt"]);
    expect(readdirSync(t.dirs.intake)).toEqual([]);
    expect(readdirSync(t.dirs.processed)).toEqual(["a.txt"]);
  });

  it("ends a file only in failed/ when the sink fails it before intake has finished (the race)", async () => {
    const t = setup(async (_subject, body) => {
      // what the sink's dead-letter handler does when the segmenter fails the file at once
      renameSync(join(t.dirs.processed, "bad.txt"), join(t.dirs.failed, "bad.txt"));
      await t.store.kv.put(body.fileId, JSON.stringify({ state: "failed", name: "bad.txt", receivedAt: "x" }));
    });
    mkdirSync(t.dirs.failed, { recursive: true });
    await intakeFile(t.drop("bad.txt", "\u0000\u0001 not text"), t.deps);
    expect(readdirSync(t.dirs.failed)).toEqual(["bad.txt"]);
    expect(readdirSync(t.dirs.processed)).toEqual([]);
    expect(readdirSync(t.dirs.intake)).toEqual([]);
    // intake's own "received" must not overwrite the failure the sink recorded meanwhile
    const [key] = [...t.store.entries.keys()];
    expect(t.store.state(key as string)?.state).toBe("failed");
  });

  it("leaves the file in intake/ (and nothing in processed/) when the message cannot be sent", async () => {
    const t = setup(async () => {
      throw new Error("nats down");
    });
    await expect(intakeFile(t.drop("a.txt", "Anna Berg lives in Oslo.\n"), t.deps)).rejects.toThrow("nats down");
    expect(readdirSync(t.dirs.intake)).toEqual(["a.txt"]);
    expect(readdirSync(t.dirs.processed)).toEqual([]);
  });

  it("keeps a new file dropped under the same name while the first was being sent, for the next scan", async () => {
    const t = setup(async () => {
      writeFileSync(join(t.dirs.intake, "a.txt.part"), "A second version.\n");
      renameSync(join(t.dirs.intake, "a.txt.part"), join(t.dirs.intake, "a.txt"));
    });
    await intakeFile(t.drop("a.txt", "Anna Berg lives in Oslo.\n"), t.deps);
    expect(readdirSync(t.dirs.intake)).toEqual(["a.txt"]);
    expect(readFileSync(join(t.dirs.intake, "a.txt"), "utf8")).toBe("A second version.\n");
    expect(readFileSync(join(t.dirs.processed, "a.txt"), "utf8")).toBe("Anna Berg lives in Oslo.\n");
  });

  it("records a refused link in the file state bucket, so that status counts every file in failed/", async () => {
    const t = setup(async () => {});
    mkdirSync(t.dirs.intake, { recursive: true });
    const path = join(t.dirs.intake, "link.txt");
    symlinkSync(join(t.root, "elsewhere.txt"), path);
    expect(await intakeFile({ name: "link.txt", path, stats: lstatSync(path) }, t.deps)).toBe("failed");
    expect(existsSync(join(t.dirs.failed, "link.txt.error.json"))).toBe(true);
    const states = [...t.store.entries.keys()].map((k) => t.store.state(k));
    expect(states).toEqual([expect.objectContaining({ state: "failed", name: "link.txt" })]);
  });
});
