import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";

/** Every process group the bench started, so that a failing or interrupted run still stops them. */
const groups = new Set<number>();

/** Spawns `cmd` as the leader of its own process group (its children join the group). */
export function spawnGroup(
  cmd: string,
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
): ChildProcess {
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid) {
    const pid = child.pid;
    groups.add(pid);
    child.once("exit", () => {
      // the leader is gone; anything left in its group is killed by killAll
      setTimeout(() => {
        if (!groupAlive(pid)) groups.delete(pid);
      }, 50).unref();
    });
  }
  return child;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs every process group the bench started that is still alive. */
export function killAll(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  groups.clear();
}

/** Scratch folders of the sections, removed when the bench ends (`removeScratch`). */
const scratch = new Set<string>();

/**
 * Removes `dir` when the bench ends rather than when its section does. Where creating a file scans past the inodes
 * deleted in the minutes before (ext4 without a journal, as on this machine), a section that ran after another had
 * deleted its 20,000 files paid for them on every file it wrote: the cpu section's sink showed 0.44–0.55 s of
 * "other" after such deletions, 0.15 s after none.
 */
export function removeAtEnd(dir: string): void {
  scratch.add(dir);
}

/** Removes the scratch folders (at exit; the processes that wrote into them are stopped first). */
export function removeScratch(): void {
  for (const dir of scratch) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      process.stderr.write(`bench: ${dir} not removed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  scratch.clear();
}

/** Stops a group politely (SIGTERM to the leader), then SIGKILLs what is left after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  const pid = child.pid;
  if (!pid) return;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((r) => {
      child.once("exit", () => r());
      timer = setTimeout(r, graceMs);
    });
    clearTimeout(timer);
  }
  for (let i = 0; i < 20 && groupAlive(pid); i++) await sleep(50);
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  groups.delete(pid);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ProcMemory {
  /** Resident set now, bytes. */
  rss: number;
  /** Peak resident set since the process started (VmHWM), bytes. */
  hwm: number;
}

/** VmRSS and VmHWM of a live process from /proc, or null when it is gone. */
export function procMemory(pid: number): ProcMemory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return null;
  }
}

const CLK_TCK = 100;

/** User + system CPU seconds a live process has used, or null when it is gone. */
export function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/**
 * CPU seconds of a process and its work: its own, that of children it has reaped (a worker that was
 * replaced) and that of its live descendants (the worker processes of a stage).
 */
export function procTreeCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime, cutime, cstime are fields 14 to 17
    const own = (Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14])) / CLK_TCK;
    return own + procChildren(pid).reduce((n, c) => n + (procTreeCpuSeconds(c) ?? 0), 0);
  } catch {
    return null;
  }
}

/** Resident memory of a process with its live descendants (a service with its workers): sums of VmRSS and VmHWM. */
export function procTreeMemory(pid: number): ProcMemory | null {
  const own = procMemory(pid);
  if (!own) return null;
  for (const c of procChildren(pid)) {
    const m = procTreeMemory(c);
    if (m) {
      own.rss += m.rss;
      own.hwm += m.hwm;
    }
  }
  return own;
}

/** Direct children of a process (Linux ≥ 3.5 with /proc/<pid>/task/<pid>/children). */
export function procChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function procName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

/** The machine's load averages, for the note next to the figures. */
export function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
}
