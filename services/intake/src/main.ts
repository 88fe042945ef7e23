// first: V8 is tuned before the code it runs is loaded
import "@sift/runtime/v8-tuning";
import { mkdir } from "node:fs/promises";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import { Buckets, Consumers } from "@sift/contracts";
import { dataDirs, exitOnStartupError, startService } from "@sift/runtime";
import { createBackPressure } from "./back-pressure.js";
import { IntakeEnv } from "./config.js";
import { intakeFile } from "./intake.js";
import { createStabilityTracker } from "./watch.js";

async function main() {
  const svc = await startService({ service: "intake", env: process.env, schema: IntakeEnv });
  const { config, log, nc } = svc;
  const dirs = dataDirs(config.SIFT_DATA_DIR);
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  const deps = {
    dataDir: config.SIFT_DATA_DIR,
    maxFileBytes: config.SIFT_MAX_FILE_BYTES,
    inlineMaxBytes: config.INTAKE_INLINE_MAX_BYTES,
    reprocess: config.SIFT_REPROCESS,
    kv: await new Kvm(nc).open(Buckets.fileState),
    files: await new Objm(nc).open(Buckets.files),
    publisher: svc.publisher,
    producer: svc.producer,
    log,
  };
  const tracker = createStabilityTracker(dirs.intake, config.INTAKE_STABLE_MS);
  const jsm = await svc.js.jetstreamManager();
  const gate = createBackPressure({
    bound: config.INTAKE_MAX_PENDING,
    pollMs: config.INTAKE_POLL_MS,
    log,
    read: async () => {
      const c = await jsm.consumers.info(Consumers.segmenter.stream, Consumers.segmenter.durable);
      return c.num_pending + c.num_ack_pending;
    },
  });
  const watcher = startWatching(tracker, config.INTAKE_POLL_MS, config.INTAKE_CONCURRENCY, gate, async (c) => {
    try {
      const outcome = await intakeFile(c, deps);
      svc.metrics.processed.inc();
      if (outcome === "failed") svc.metrics.failed.inc({ code: "REFUSED" });
      tracker.done(c.name);
    } catch (err) {
      // left in intake/ and tried again on a later scan (NATS down, say)
      svc.broker.unanswered(err);
      svc.metrics.retried.inc();
      log.warn({ err, file: c.name }, "intake failed, will retry");
      setTimeout(() => tracker.done(c.name), 1000).unref();
    }
  });
  log.info({ dir: dirs.intake, maxFileBytes: config.SIFT_MAX_FILE_BYTES }, "watching");
  svc.setReady(() => watcher.running);
  svc.onShutdown([watcher.stop]);
}

function startWatching<T extends { name: string }>(
  tracker: { scan(): Promise<T[]> },
  pollMs: number,
  concurrency: number,
  gate: { wait(stopped: () => boolean): Promise<void> },
  handle: (c: T) => Promise<void>,
) {
  let running = true;
  const inFlight = new Set<Promise<void>>();
  const loop = (async () => {
    while (running) {
      for (const c of await tracker.scan()) {
        if (!running) break;
        while (inFlight.size >= concurrency) await Promise.race(inFlight);
        await gate.wait(() => !running);
        if (!running) break;
        const p = handle(c).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  })();
  return {
    get running() {
      return running;
    },
    async stop() {
      running = false;
      await loop;
      await Promise.all(inFlight);
    },
  };
}

main().catch(exitOnStartupError);
