import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  buildOutputFile,
  type CleanedDocument,
  type FileMeta,
  OutputFile,
  type SegmentedDocument,
  type TaggedDocument,
} from "@sift/contracts";
import { createInMemoryLineMemory, type LineMemory } from "@sift/page";
import {
  createWorkPool,
  doorLimits,
  LimitsEnv,
  loadConfig,
  outputName,
  readWhole,
  WorkEnv,
  type WorkPool,
  withNameFallback,
  writeAtomic,
} from "@sift/runtime";
import { readsInline, sniffMediaType } from "@sift/segment";
import { entityModelFor } from "@sift/tag";

export interface InProcessPipeline {
  processBytes(bytes: Uint8Array, meta: { name: string; mtime?: Date }): Promise<OutputFile>;
  /** Resolves once the worker has started and loaded the stages (and the model). */
  ready(): Promise<void>;
  /** Stops the pipeline's worker processes. */
  close(): Promise<void>;
}

export interface PipelineOptions {
  lines?: LineMemory;
  /** WORK_TIMEOUT_MS, WORK_MEMORY_MB and SIFT_MAX_* settings; the defaults when left out. */
  env?: Record<string, string | undefined>;
}

/** Task modules of the three stages: one worker process serves them all. */
const TASKS = ["@sift/segment/tasks", "@sift/clean/tasks", "@sift/tag/tasks"].map((m) => import.meta.resolve(m));

/**
 * The four stages with no broker: the same stage functions the services run, in the same kind of worker
 * pool (a time budget and a heap cap per file or document), so one hostile file fails alone here too. As in
 * the services, a small unit (a text, Markdown or HTML file, a document, of up to WORK_INLINE_MAX_BYTES) runs
 * in this process: linear work with nothing to inflate, for which the hop to the worker and back cost more
 * than the work.
 */
export function createPipeline(o: PipelineOptions = {}): InProcessPipeline {
  const env = o.env ?? {};
  const work = loadConfig(WorkEnv, env);
  const limits = doorLimits(loadConfig(LimitsEnv, env));
  const lines = o.lines ?? createInMemoryLineMemory();
  const inlineMax = work.WORK_INLINE_MAX_BYTES;
  // one unit of work at a time, so one worker, started now: it loads the stages while the first file is read
  const pool: WorkPool = createWorkPool({
    modules: TASKS,
    size: 1,
    timeoutMs: work.WORK_TIMEOUT_MS,
    memoryMb: work.WORK_MEMORY_MB,
    warm: 1,
    inline: inlineMax > 0,
  });
  return {
    ready: () => pool.ready(),
    async processBytes(bytes, meta) {
      const file: FileMeta = {
        fileId: createHash("sha256").update(bytes).digest("hex"),
        name: meta.name,
        size: bytes.length,
        mediaType: sniffMediaType(bytes, meta.name),
        receivedAt: new Date().toISOString(),
        ...(meta.mtime ? { mtime: meta.mtime.toISOString() } : {}),
      };
      // the line memory stays in this process: the worker asks for it
      const segmented = await pool.run<SegmentedDocument[]>(
        "segment",
        { file, bytes, limits },
        {
          label: meta.name,
          deps: { seen: async (source: string) => lines.seen(source), record: lines.record },
          inline: readsInline(bytes.length, file.mediaType, inlineMax),
        },
      );
      const tagged: TaggedDocument[] = [];
      for (const doc of segmented) {
        const label = `doc ${doc.index} of ${meta.name}`;
        const cleaned = await pool.run<CleanedDocument>(
          "clean",
          { doc },
          { label, inline: doc.text.length <= inlineMax },
        );
        const gate = entityModelFor(cleaned);
        const found = gate.run
          ? await pool.run<Pick<TaggedDocument, "entities" | "entityIndex">>("entities", cleaned.text, {
              label,
              inline: cleaned.text.length <= inlineMax,
            })
          : { entities: [], entityIndex: [], warnings: [...cleaned.warnings, gate.warning] };
        tagged.push({ ...cleaned, ...found });
      }
      return OutputFile.parse(buildOutputFile(segmented[0]?.file ?? file, tagged, new Date()));
    },
    async close() {
      await pool.close();
    },
  };
}

/** Output folders made by this process: a folder is made once, not once a file. */
const madeDirs = new Set<string>();

/**
 * Writes `<dir>/<name>.json` atomically (temp file + rename), named as the sink names outputs; a name the file
 * system refuses becomes the file id.
 */
export async function writeOutput(dir: string, output: OutputFile): Promise<string> {
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const text = `${JSON.stringify(output, null, 2)}\n`;
  const write = async (name: string) => {
    const target = join(dir, name);
    try {
      await writeAtomic(target, text);
    } catch (err) {
      // the folder went away during the run: made again, once
      if ((err as { code?: unknown }).code !== "ENOENT") throw err;
      await mkdir(dir, { recursive: true });
      await writeAtomic(target, text);
    }
    return target;
  };
  return withNameFallback(await outputName(dir, output.file), `${output.file.fileId}.json`, write);
}

export async function processPath(pipeline: InProcessPipeline, path: string, outDir: string): Promise<string> {
  const st = statSync(path);
  const bytes = await readWhole(path, st.size);
  const output = await pipeline.processBytes(bytes, { name: basename(path), mtime: st.mtime });
  return writeOutput(outDir, output);
}
