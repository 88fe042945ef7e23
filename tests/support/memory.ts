import { readdirSync, readFileSync } from "node:fs";

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Parent of every process, from /proc (Linux). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and brackets, so read after its last ")"
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      out.set(Number(d), ppid);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Resident memory of each process alone and with its worker processes (its whole tree), in bytes. */
export function treeRss(pids: number[]): Map<number, { own: number; tree: number }> {
  const ppid = parents();
  const children = new Map<number, number[]>();
  for (const [pid, parent] of ppid) children.set(parent, [...(children.get(parent) ?? []), pid]);
  const total = (pid: number): number => rssBytes(pid) + (children.get(pid) ?? []).reduce((n, c) => n + total(c), 0);
  return new Map(pids.map((pid) => [pid, { own: rssBytes(pid), tree: total(pid) }]));
}
