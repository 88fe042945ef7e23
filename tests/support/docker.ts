import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REAPER_IMAGE } from "testcontainers/build/reaper/reaper.js";

/** Runs `docker <args>`: whether it worked, its output, and the first line of what went wrong. */
function docker(args: string[], timeoutMs: number): Promise<{ ok: boolean; out: string; problem: string }> {
  return new Promise((resolve) => {
    execFile("docker", args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const killed = (err as { killed?: boolean } | null)?.killed;
      const problem = killed
        ? `no answer in ${timeoutMs / 1000} s`
        : (stderr || (err?.message ?? "")).trim().split("\n").filter(Boolean)[0] || "failed";
      resolve({ ok: !err, out: stdout, problem });
    });
  });
}

/** Why no Docker engine can be used here, or undefined when one answers. */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  const r = await docker(["info", "--format", "{{.ServerVersion}}"], 5000);
  if (r.ok && r.out.trim()) return undefined;
  return `no Docker engine answers (${r.problem})`;
}

/**
 * Why one of `images` can be neither found on the engine nor pulled, or undefined when all are there.
 * An engine that answers is not a registry that answers (an air-gapped host): each image is looked for
 * first, and pulled only when missing, with a time limit.
 */
export async function imagesUnavailableReason(images: string[], pullTimeoutMs = 60_000): Promise<string | undefined> {
  for (const image of new Set(images)) {
    if ((await docker(["image", "inspect", "--format", "{{.Id}}", image], 10_000)).ok) continue;
    const pull = await docker(["pull", "--quiet", image], pullTimeoutMs);
    if (!pull.ok) return `image ${image} is not on the Docker engine and cannot be pulled (${pull.problem})`;
  }
  return undefined;
}

/** The images testcontainers starts by itself: the Ryuk reaper, unless it is turned off. */
export function testcontainersImages(): string[] {
  return process.env.TESTCONTAINERS_RYUK_DISABLED === "true" ? [] : [REAPER_IMAGE];
}

/** Why containers of `images` cannot run here (no engine, or an image neither present nor pullable). */
export async function containersUnavailableReason(images: string[]): Promise<string | undefined> {
  return (await dockerUnavailableReason()) ?? (await imagesUnavailableReason([...images, ...testcontainersImages()]));
}

/** The images `docker compose up --build` needs from a registry: the services' images and the Dockerfile's bases. */
export function composeImages(repoRoot: string): string[] {
  const compose = readFileSync(join(repoRoot, "docker-compose.yml"), "utf8").split("\n");
  const images: string[] = [];
  compose.forEach((line, i) => {
    const m = line.match(/^(\s+)image:\s*["']?([^\s"']+)/);
    if (!m) return;
    const indent = m[1] as string;
    // an image with a `build:` beside it (same block) is built here, not pulled
    const block = (dir: 1 | -1) => {
      const out: string[] = [];
      for (let j = i + dir; j >= 0 && j < compose.length; j += dir) {
        const l = compose[j] as string;
        if (l.trim() === "" || l.trimStart().startsWith("#")) continue;
        const own = l.match(/^(\s*)/)?.[1]?.length ?? 0;
        if (own < indent.length) break;
        if (own === indent.length) out.push(l.trim());
      }
      return out;
    };
    if (![...block(-1), ...block(1)].some((l) => l.startsWith("build:"))) images.push(m[2] as string);
  });
  const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
  for (const m of dockerfile.matchAll(/^FROM\s+(\S+)/gim)) images.push(m[1] as string);
  return [...new Set(images)];
}

/** Why `docker compose` cannot be used here, or undefined when it can. */
export async function composeUnavailableReason(repoRoot: string): Promise<string | undefined> {
  const engine = await dockerUnavailableReason();
  if (engine) return engine;
  const compose = await docker(["compose", "version"], 10_000);
  if (!compose.ok) return `docker compose is not installed (${compose.problem})`;
  return imagesUnavailableReason([...composeImages(repoRoot), ...testcontainersImages()]);
}
