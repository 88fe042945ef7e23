import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where a service's CPU goes, in the order the breakdown table shows it. */
export const CATEGORIES = ["stage", "ipc", "json", "zod", "kv", "nats", "logging", "gc", "other", "startup"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_NAMES: Record<Category, string> = {
  stage: "stage work",
  ipc: "work pool IPC",
  json: "JSON encode/decode",
  zod: "zod",
  kv: "KV, object store",
  nats: "publish, consume, acks",
  logging: "logging",
  gc: "GC",
  other: "other (runtime, V8)",
  startup: "start-up, JIT warm-up",
};

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
/** The `.cpuprofile` format that `node --cpu-prof` writes. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The category a frame of ours or of a library belongs to; undefined for frames that say nothing (Node's internals). */
export function frameCategory(f: CallFrame): Category | undefined {
  const u = f.url;
  if (u === "") return undefined;
  if (u.includes("/zod@") || u.includes("/node_modules/zod/")) return "zod";
  if (/\/(pino|sonic-boom|pino-std-serializers|fast-redact|quick-format-unescaped)[@/]/.test(u)) return "logging";
  if (u.endsWith("/runtime/dist/logger.js")) return "logging";
  if (u.includes("/@nats-io+kv@") || u.includes("/@nats-io+obj@")) return "kv";
  if (u.endsWith("/runtime/dist/file-state.js") || u.endsWith("/segmenter/dist/line-memory.js")) return "kv";
  if (u.includes("/@nats-io+")) return "nats";
  if (u.endsWith("/contracts/dist/codec.js")) return "json";
  if (/\/runtime\/dist\/work-(pool|child|protocol)\.js$/.test(u)) return "ipc";
  if (u.startsWith("node:internal/child_process")) return "ipc";
  if (/\/packages\/(segment|clean|tag|page|learn)\/dist\//.test(u)) return "stage";
  // the sink's own work is assembling and writing outputs; intake's is reading, hashing and moving files
  if (u.endsWith("/sink/dist/assemble.js") || u.endsWith("/contracts/dist/output.js")) return "stage";
  if (u.endsWith("/runtime/dist/files.js") || /\/intake\/dist\/(intake|watch)\.js$/.test(u)) return "stage";
  // the rest of our plumbing (the consume loop, metrics, health): a library it calls (prom-client) is plumbing too
  if (/\/(runtime|cli|contracts)\/dist\//.test(u) || /\/services\/[a-z]+\/dist\//.test(u)) return "other";
  return undefined;
}

/** Which process of the pipeline a profile is from, by the code it ran. */
export function profileOwner(p: CpuProfile): string | undefined {
  let worker = false;
  const tasks = new Set<string>();
  for (const n of p.nodes) {
    const u = n.callFrame.url;
    const svc = /\/services\/([a-z]+)\/dist\/main\.js$/.exec(u);
    if (svc) return svc[1];
    if (u.endsWith("/runtime/dist/work-child.js")) worker = true;
    const task = /\/packages\/(segment|clean|tag)\/dist\/tasks\.js$/.exec(u);
    if (task?.[1]) tasks.add(task[1]);
  }
  if (worker && tasks.size === 1) {
    const t = [...tasks][0];
    return t === "segment" ? "segmenter" : t === "clean" ? "cleaner" : "tagger";
  }
  return undefined;
}

/**
 * Milliseconds of samples per category, within `[fromUs, toUs)` of the monotonic clock (the one
 * `process.hrtime` reads); samples before `fromUs` count as start-up, after `toUs` not at all. A sample
 * goes to the category of its innermost frame that has one; a NATS frame called from KV code is KV.
 */
export function categorise(p: CpuProfile, fromUs: number, toUs: number): Map<Category, number> {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const memo = new Map<number, Category | "idle">();
  const categoryOf = (id: number): Category | "idle" => {
    const hit = memo.get(id);
    if (hit) return hit;
    const leaf = byId.get(id)?.callFrame;
    let cat: Category | "idle" = "other";
    if (leaf?.functionName === "(idle)") cat = "idle";
    else if (leaf?.functionName === "(garbage collector)") cat = "gc";
    else {
      let found: Category | undefined;
      // a library frame of no known kind belongs to whoever called it (pdf.js to the stage, js-sha256 to the object store)
      let library = false;
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const c = byId.get(at);
        const fc = c ? frameCategory(c.callFrame) : undefined;
        if (!found && fc) {
          found = fc;
          if (fc !== "nats") break;
        } else if (found === "nats" && fc === "kv") {
          found = "kv";
          break;
        } else if (!found && c?.callFrame.url.includes("/node_modules/")) library = true;
      }
      // a library with no caller of ours on the stack (a promise continuation inside pdf.js) is the stage's
      cat = found ?? (library ? "stage" : "other");
    }
    memo.set(id, cat);
    return cat;
  };
  const out = new Map<Category, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t >= toUs) break;
    const cat = categoryOf(p.samples[i] as number);
    if (cat === "idle") continue;
    const key: Category = t < fromUs ? "startup" : cat;
    out.set(key, (out.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  return out;
}

/** Every profile in `dir`, summed per owner (a service with its worker processes). */
export function summariseProfiles(
  dir: string,
  fromUs: number,
  toUs: number,
  ownerOf: (p: CpuProfile) => string | undefined = profileOwner,
): Map<string, Map<Category, number>> {
  const out = new Map<string, Map<Category, number>>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".cpuprofile")) continue;
    const p = JSON.parse(readFileSync(join(dir, f), "utf8")) as CpuProfile;
    const owner = ownerOf(p);
    if (!owner) continue;
    const sum = out.get(owner) ?? new Map<Category, number>();
    for (const [c, ms] of categorise(p, fromUs, toUs)) sum.set(c, (sum.get(c) ?? 0) + ms);
    out.set(owner, sum);
  }
  return out;
}

/** The monotonic clock in microseconds, as profiles time their samples. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);
