import { z } from "zod";
import { DeadLetter, DocCleaned, DocSegmented, DocTagged, FileCompleted, FileReceived } from "./messages.js";
import { OutputFile } from "./output.js";

/** JSON Schema of every message and of the output file, keyed by file name. */
export function jsonSchemas(): Record<string, unknown> {
  const all = {
    "file-received": FileReceived,
    "doc-segmented": DocSegmented,
    "doc-cleaned": DocCleaned,
    "doc-tagged": DocTagged,
    "file-completed": FileCompleted,
    "dead-letter": DeadLetter,
    "output-file": OutputFile,
  };
  return Object.fromEntries(
    Object.entries(all).map(([name, schema]) => [
      name,
      { $id: `https://sift.local/schema/${name}.json`, ...z.toJSONSchema(schema, { io: "output" }) },
    ]),
  );
}
