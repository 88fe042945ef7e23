import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { createCleaner, createInMemoryLineMemory, type LineMemory } from "@sift/clean";
import { buildOutputFile, type FileMeta, OutputFile } from "@sift/contracts";
import { outputName } from "@sift/runtime";
import { segmentFile, sniffMediaType } from "@sift/segment";
import { loadTagger } from "@sift/tag";

export interface InProcessPipeline {
  processBytes(bytes: Uint8Array, meta: { name: string; mtime?: Date }): Promise<OutputFile>;
}

/** The four stages in one process, no broker: the same stage functions the services run. */
export function createPipeline(deps: { lines?: LineMemory } = {}): InProcessPipeline {
  const clean = createCleaner({ lines: deps.lines ?? createInMemoryLineMemory() });
  const tag = loadTagger();
  return {
    async processBytes(bytes, meta) {
      const file: FileMeta = {
        fileId: createHash("sha256").update(bytes).digest("hex"),
        name: meta.name,
        size: bytes.length,
        mediaType: sniffMediaType(bytes, meta.name),
        receivedAt: new Date().toISOString(),
        ...(meta.mtime ? { mtime: meta.mtime.toISOString() } : {}),
      };
      const segmented = await segmentFile({ file, bytes });
      const tagged = [];
      for (const doc of segmented) tagged.push(tag(await clean(doc)));
      return OutputFile.parse(buildOutputFile(segmented[0]?.file ?? file, tagged, new Date()));
    },
  };
}

/** Writes `<dir>/<name>.json` atomically (temp file + rename), named as the sink names outputs. */
export async function writeOutput(dir: string, output: OutputFile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, await outputName(dir, output.file));
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(output, null, 2)}\n`);
  await rename(tmp, target);
  return target;
}

export async function processPath(pipeline: InProcessPipeline, path: string, outDir: string): Promise<string> {
  const [bytes, st] = await Promise.all([readFile(path), stat(path)]);
  const output = await pipeline.processBytes(bytes, { name: basename(path), mtime: st.mtime });
  return writeOutput(outDir, output);
}
