import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "./pipeline.js";

export const cli = join(repoRoot, "packages/cli/dist/main.js");

export interface Supervisor {
  proc: ChildProcess;
  /** Every line of stdout and stderr so far. */
  lines: string[];
  /** The first line matching `re`, once there is one (or throws after `timeoutMs`). */
  waitLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal) once the supervisor has exited. */
  exited: Promise<number | string>;
}

/**
 * Runs `sift start` in its own process group, as a shell or pnpm runs it: a signal to the group (`-pid`)
 * is what Ctrl-C and pnpm's SIGTERM send.
 */
export function startSupervisor(o: { env: Record<string, string>; args?: string[] }): Supervisor {
  const proc = spawn(process.execPath, [cli, "start", ...(o.args ?? [])], {
    env: { ...process.env, INTAKE_POLL_MS: "100", INTAKE_STABLE_MS: "200", ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return watchLines(proc);
}

export function watchLines(proc: ChildProcess): Supervisor {
  const lines: string[] = [];
  if (proc.stdout) createInterface({ input: proc.stdout }).on("line", (l) => lines.push(l));
  if (proc.stderr) createInterface({ input: proc.stderr }).on("line", (l) => lines.push(l));
  const exited = new Promise<number | string>((resolve) =>
    proc.once("exit", (code, signal) => resolve(code ?? signal ?? "?")),
  );
  const waitLine = async (re: RegExp, timeoutMs = 30_000) => {
    const t0 = Date.now();
    while (!lines.some((l) => re.test(l))) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`no line matching ${re}:\n${lines.join("\n")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return lines.find((l) => re.test(l)) as string;
  };
  return { proc, lines, waitLine, exited };
}

/** Pids of live processes whose command line or environment mentions `marker` (Linux /proc). */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      // a zombie has exited already; only its parent's wait() is missing
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (/^\d+ \(.*\) Z /.test(stat)) continue;
      const seen = readFileSync(`/proc/${entry}/cmdline`, "utf8") + readFileSync(`/proc/${entry}/environ`, "utf8");
      if (seen.includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Waits until no process mentions `marker`; returns those still there after `timeoutMs`. */
export async function waitForNoProcess(marker: string, timeoutMs: number): Promise<number[]> {
  const t0 = Date.now();
  for (;;) {
    const left = processesMentioning(marker);
    if (left.length === 0 || Date.now() - t0 > timeoutMs) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Kills whatever still mentions `marker` (a test that failed half-way must not leave processes behind). */
export function killAllMentioning(marker: string): void {
  for (const pid of processesMentioning(marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}
