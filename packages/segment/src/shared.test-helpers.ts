import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FileMeta } from "@sift/contracts";

/** `../shared` beside the repository, where the shared fixtures and data live. */
export const sharedDir = fileURLToPath(new URL("../../../../shared/", import.meta.url));
export const sharedPath = (rel: string) => `${sharedDir}${rel}`;
export const hasShared = (rel: string) => existsSync(sharedPath(rel));

export function fileMeta(name: string, mediaType: string, size: number, extra: Partial<FileMeta> = {}): FileMeta {
  return {
    fileId: `${"0".repeat(63)}1`,
    name,
    size,
    mediaType,
    receivedAt: "2025-07-22T10:00:00.000Z",
    ...extra,
  };
}
