/**
 * Runs in a worker of the work pool: builds a hostile shape at one size and times each stage entry point on
 * it. A new entry point (the page reader, say) is one more object in ENTRY_POINTS.
 */
import { createHash } from "node:crypto";
import { createCleaner } from "@sift/clean";
import type { CleanedDocument, FileMeta, SegmentedDocument } from "@sift/contracts";
import { segmentFile, sniffMediaType } from "@sift/segment";
import { loadModel, loadTagger } from "@sift/tag";
import { SHAPES } from "./shapes.js";

export interface ShapeFile {
  file: FileMeta;
  bytes: Uint8Array;
  text: string;
}

/** One stage entry point: `prepare` (not timed) builds its input from the file and what earlier entry points gave. */
export interface EntryPoint<I = unknown, O = unknown> {
  name: string;
  prepare(file: ShapeFile, earlier: Map<string, unknown>): I | Promise<I>;
  run(input: I): O | Promise<O>;
  /** How big its input is (bytes or characters): a later stage's input need not double when the file does. */
  size(input: I): number;
}

const textChars = (docs: Array<{ text: string }>) => docs.reduce((n, d) => n + d.text.length, 0);

const entry = <I, O>(e: EntryPoint<I, O>) => e as unknown as EntryPoint;

const earlierOf = <T>(earlier: Map<string, unknown>, name: string): T => {
  if (!earlier.has(name)) throw new Error(`needs ${name}, which gave nothing`);
  return earlier.get(name) as T;
};

export const ENTRY_POINTS: EntryPoint[] = [
  entry({
    name: "segment",
    prepare: (f: ShapeFile) => f,
    // the door's limits as the services have them, but for lines: a shape of many lines is measured past them
    run: (f: ShapeFile) => segmentFile({ file: f.file, bytes: f.bytes, limits: { maxLines: Number.MAX_SAFE_INTEGER } }),
    size: (f: ShapeFile) => f.bytes.length,
  }),
  entry({
    name: "clean",
    prepare: (_f, earlier) => earlierOf<SegmentedDocument[]>(earlier, "segment"),
    run: (docs: SegmentedDocument[]) => {
      const clean = createCleaner();
      return docs.map((d) => clean(d));
    },
    size: textChars,
  }),
  entry({
    name: "tag",
    prepare: (_f, earlier) => earlierOf<CleanedDocument[]>(earlier, "clean"),
    run: (docs: CleanedDocument[]) => {
      const tag = loadTagger();
      return docs.map((d) => tag(d));
    },
    size: textChars,
  }),
];

export interface MeasureInput {
  shape: string;
  /** The sizes, timed in turn (n, 2n, n, 2n, …) so that a drift of the machine's load touches each alike. */
  sizes: number[];
  reps: number;
}

export interface SizeResult {
  n: number;
  /** Least CPU time of each entry point that ran, over the runs, ms. */
  ms: Record<string, number>;
  /** The size of each entry point's input (see `EntryPoint.size`). */
  inputs: Record<string, number>;
  /** The entry point that threw (and so those after it did not run). */
  failed?: { entry: string; code: string; message: string };
  bytes: number;
  documents: number;
}

export interface MeasureOutput {
  sizes: SizeResult[];
  /** Peak resident memory of this worker, MB. */
  maxRssMb: number;
}

/** An entry point quicker than this is run again and again until the runs add up to it. */
const MIN_TIMED_MS = 150;

/** CPU time of this process in ms: on a shared machine it moves far less with other load than wall time. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function makeFile(shapeName: string, n: number): ShapeFile {
  const shape = SHAPES.find((s) => s.name === shapeName);
  if (!shape) throw new Error(`no shape ${shapeName}`);
  const made = shape.make(n);
  const bytes = new TextEncoder().encode(made.text);
  return {
    text: made.text,
    bytes,
    file: {
      fileId: createHash("sha256").update(bytes).digest("hex"),
      name: made.name,
      size: bytes.length,
      mediaType: sniffMediaType(bytes, made.name),
      receivedAt: new Date(0).toISOString(),
    },
  };
}

/** Every entry point once on `file`: CPU ms of each that ran, and the failure that stopped the chain. */
async function timeOnce(
  file: ShapeFile,
): Promise<{ ms: Map<string, number>; inputs: Map<string, number>; failed?: SizeResult["failed"]; documents: number }> {
  const earlier = new Map<string, unknown>();
  const ms = new Map<string, number>();
  const inputs = new Map<string, number>();
  let documents = 0;
  for (const e of ENTRY_POINTS) {
    let prepared: unknown;
    try {
      prepared = await e.prepare(file, earlier);
    } catch {
      break; // what it needs did not run
    }
    inputs.set(e.name, e.size(prepared));
    let t0 = cpuMs();
    try {
      const out = await e.run(prepared);
      let t = cpuMs() - t0;
      // a quick entry point runs again until it has taken a while: one run of a few ms is mostly noise
      if (t < MIN_TIMED_MS) {
        const again = Math.min(200, Math.ceil(MIN_TIMED_MS / Math.max(t, 0.05)));
        t0 = cpuMs();
        for (let k = 0; k < again; k++) await e.run(prepared);
        t = (cpuMs() - t0) / again;
      }
      ms.set(e.name, t);
      earlier.set(e.name, out);
      if (e.name === "segment") documents = (out as unknown[]).length;
    } catch (err) {
      const x = err as { code?: string; message?: string };
      ms.set(e.name, cpuMs() - t0);
      return {
        ms,
        inputs,
        failed: { entry: e.name, code: x.code ?? "ERROR", message: String(x.message).slice(0, 160) },
        documents,
      };
    }
  }
  return { ms, inputs, documents };
}

async function measure(input: MeasureInput): Promise<MeasureOutput> {
  const files = input.sizes.map((n) => makeFile(input.shape, n));
  // two runs of the smallest size, not counted: the JIT compiles the hot paths on them (a forced GC between
  // runs is left out on purpose: it throws compiled code away, and every run would pay to compile it again)
  for (let k = 0; k < 2 && files[0]; k++) await timeOnce(files[0]);
  const runs = files.map(() => [] as Array<Awaited<ReturnType<typeof timeOnce>>>);
  for (let rep = 0; rep < input.reps; rep++)
    for (const [i, f] of files.entries()) {
      // a failure repeats itself: once is enough
      if (runs[i]?.[0]?.failed) continue;
      runs[i]?.push(await timeOnce(f));
    }
  return {
    sizes: files.map((f, i) => {
      const rs = runs[i] ?? [];
      const ms: Record<string, number> = {};
      for (const e of ENTRY_POINTS) {
        const ts = rs.flatMap((r) => (r.ms.has(e.name) ? [r.ms.get(e.name) as number] : []));
        // the fastest run: other load on the machine only ever adds time
        if (ts.length > 0) ms[e.name] = Math.min(...ts);
      }
      const failed = rs.find((r) => r.failed)?.failed;
      return {
        n: input.sizes[i] as number,
        ms,
        inputs: Object.fromEntries(rs[0]?.inputs ?? []),
        ...(failed ? { failed } : {}),
        bytes: f.bytes.length,
        documents: rs[0]?.documents ?? 0,
      };
    }),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export const tasks = { measure };

/** The model loads before the first shape, not inside its timing. */
export function init(): void {
  loadModel();
}
