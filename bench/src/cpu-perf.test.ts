import { describe, expect, it } from "vitest";
import { sampleCategory } from "./cpu-perf.js";

// frames as `perf script -F ip,sym` names them (innermost first), from a sampled pipeline
const NM = "/work/sift/node_modules/.pnpm";
const stage = "JS:*labelDocumentFast file:///work/sift/packages/tag/dist/fast.js:374:34";
const handle = "JS:*handleOnce file:///work/sift/packages/runtime/dist/stage.js:108:24";
const zod = `JS:*inst._zod.parse file://${NM}/zod@4.6.7/node_modules/zod/v4/core/schemas.js:1199:23`;
const natsPublish = `JS:^publish ${NM}/@nats-io+nats-core@3.4.0/node_modules/@nats-io/nats-core/lib/protocol.js:813:12`;
const kvPut = `JS:*_put ${NM}/@nats-io+kv@3.4.0/node_modules/@nats-io/kv/lib/kv.js:499:15`;
const pdf = `JS:*push file://${NM}/pdfjs-dist@5.4.624/node_modules/pdfjs-dist/legacy/build/pdf.mjs:2010:22`;
const microtasks = ["Builtins_RunMicrotasks", "v8::internal::MicrotaskQueue::RunMicrotasks", "uv_run"];

describe("sampleCategory", () => {
  it("takes a main thread's innermost frame that has a category", () => {
    expect(sampleCategory(true, ["Builtins_LoadIC", stage, handle, ...microtasks])).toBe("stage");
    expect(sampleCategory(true, ["Builtins_LoadIC", zod, handle])).toBe("zod");
    expect(sampleCategory(true, ["_int_malloc", natsPublish, handle])).toBe("nats");
  });

  it("gives the NATS client's frames under a KV call to KV", () => {
    expect(sampleCategory(true, [natsPublish, kvPut, handle])).toBe("kv");
  });

  it("names V8's JSON, GC and compiling on a main thread before any JavaScript frame", () => {
    expect(sampleCategory(true, ["v8::internal::JsonParser<unsigned char>::ParseJsonValue", natsPublish])).toBe("json");
    expect(
      sampleCategory(true, ["v8::internal::Scavenger::ScavengeObject", "v8::internal::Heap::Scavenge", stage]),
    ).toBe("gc");
    expect(
      sampleCategory(true, ["v8::internal::Parser::ParseFunction", "v8::internal::Compiler::Compile", stage]),
    ).toBe("compile");
  });

  it("gives a library of no known kind to its caller, or to the stage when none of ours is on the stack", () => {
    expect(sampleCategory(true, [pdf, stage, handle])).toBe("stage");
    expect(sampleCategory(true, [pdf, ...microtasks])).toBe("stage");
    expect(sampleCategory(true, ["epoll_pwait", ...microtasks])).toBe("other");
  });

  it("splits V8's own threads into GC, compiling and other", () => {
    expect(sampleCategory(false, ["v8::internal::ConcurrentMarking::RunMajor", "start_thread"])).toBe("gc");
    expect(sampleCategory(false, ["v8::internal::compiler::PipelineImpl::OptimizeGraph", "start_thread"])).toBe(
      "compile",
    );
    expect(sampleCategory(false, ["uv__work_done", "start_thread"])).toBe("other");
  });
});
