import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createWorkPool, type WorkPool } from "./work-pool.js";

const FIXTURE = new URL("./work-pool.fixture.ts", import.meta.url);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the task to fail");
    },
    (err: { code?: string; retryable?: boolean; message: string }) => err,
  );

describe("createWorkPool", () => {
  const pools: WorkPool[] = [];
  const pool = (o: { size?: number; timeoutMs?: number; memoryMb?: number; warm?: number } = {}) => {
    const p = createWorkPool({
      modules: [FIXTURE],
      size: o.size ?? 2,
      timeoutMs: o.timeoutMs ?? 10_000,
      memoryMb: o.memoryMb ?? 128,
      ...(o.warm ? { warm: o.warm } : {}),
    });
    pools.push(p);
    return p;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it("runs a task in another process and gives back its result (bytes and maps included)", async () => {
    const p = pool();
    const out = await p.run<{ bytes: Uint8Array; map: Map<string, number> }>("echo", {
      bytes: new Uint8Array([1, 2, 3]),
      map: new Map([["a", 1]]),
    });
    expect([...out.bytes]).toEqual([1, 2, 3]);
    expect(out.map.get("a")).toBe(1);
    expect(await p.run<number>("pid", null)).not.toBe(process.pid);
  });

  it("starts its warm workers at once and says when they are ready", async () => {
    const p = pool({ size: 3, warm: 2 });
    await p.ready();
    expect(p.stats()).toMatchObject({ workers: 2, busy: 0, queued: 0 });
  });

  it("stops a unit of work past its time budget (WORK_TIMEOUT, permanent) while other units go on, and replaces the worker", async () => {
    const p = pool({ size: 2, timeoutMs: 1500 });
    const spinning = failure(p.run("spin", null, { label: "loop.txt" }));
    // the other worker keeps serving while one spins
    for (let i = 0; i < 5; i++) expect(await p.run("echo", i)).toBe(i);
    const err = await spinning;
    expect(err.code).toBe("WORK_TIMEOUT");
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^loop\.txt: .*budget of 1500 ms/);
    expect(p.stats().replaced).toBe(1);
    expect(await p.run("echo", "after")).toBe("after");
  });

  it("stops a unit of work that fills its heap (WORK_MEMORY)", async () => {
    const p = pool({ memoryMb: 64 });
    const err = await failure(p.run("grow", null));
    expect(err.code).toBe("WORK_MEMORY");
    expect(err.retryable).toBe(false);
    expect(await p.run("echo", 1)).toBe(1);
  });

  it("stops a unit of work whose memory outside the heap passes twice the cap (WORK_MEMORY)", async () => {
    const p = pool({ memoryMb: 64 });
    const err = await failure(p.run("buffers", null));
    expect(err.code).toBe("WORK_MEMORY");
    expect(err.message).toMatch(/resident memory over 128 MB/);
  });

  it("replaces a worker that a unit left larger by half WORK_MEMORY_MB, and keeps one that did not grow", async () => {
    const p = pool({ size: 1, warm: 1, memoryMb: 64 });
    const first = await p.run<number>("pid", null);
    expect(await p.run("echo", "small")).toBe("small");
    await new Promise((r) => setTimeout(r, 600));
    expect(p.stats().pids).toEqual([first]);
    expect(await p.run("hold", 48)).toBe(48);
    expect(await until(() => !p.stats().pids.includes(first) && p.stats().pids.length === 1, 5000)).toBe(true);
    const second = await p.run<number>("pid", null);
    expect(second).not.toBe(first);
    expect(p.stats().replaced).toBe(0);
  });

  it("makes an error the work did not mean (a RangeError) permanent, with its name in the message", async () => {
    const err = await failure(pool().run("recurse", null, { label: "deep.html" }));
    expect(err.code).toBe("WORK_ERROR");
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^deep\.html: RangeError: Maximum call stack size exceeded/);
  });

  it("keeps the code, message and classification of an error of ours", async () => {
    const err = await failure(pool().run("ours", null));
    expect(err).toMatchObject({ code: "CORRUPT_THING", retryable: false, message: "doc 7: not a readable thing" });
  });

  it("lets a task call its parent, outside its time budget; a failing call keeps its own classification", async () => {
    const p = pool({ timeoutMs: 1000 });
    const slow = async (n: number) => {
      await new Promise((r) => setTimeout(r, 700));
      return n * 10;
    };
    // two calls of 0.7 s each: over the 1 s budget if they counted
    expect(await p.run("ask", 4, { deps: { lookup: slow } })).toBe(80);
    const down = async () => {
      throw Object.assign(new Error("connection closed"), { code: "CONNECTION_CLOSED" });
    };
    const err = await failure(p.run("ask", 1, { deps: { lookup: down } }));
    expect(err).toMatchObject({ code: "CONNECTION_CLOSED", retryable: true });
  });

  it("does a unit marked inline in this process, failing or succeeding as a worker would", async () => {
    const p = createWorkPool({ modules: [FIXTURE], size: 1, timeoutMs: 10_000, memoryMb: 128, inline: true });
    pools.push(p);
    await p.ready();
    expect(await p.run("pid", null, { inline: true })).toBe(process.pid);
    expect(await p.run("pid", null)).not.toBe(process.pid);
    expect(await p.run("ask", 2, { inline: true, deps: { lookup: async (n: number) => n + 1 } })).toBe(6);
    const ours = await failure(p.run("ours", null, { inline: true }));
    expect(ours).toMatchObject({ code: "CORRUPT_THING", retryable: false, message: "doc 7: not a readable thing" });
    const deep = await failure(p.run("recurse", null, { label: "deep.html", inline: true }));
    expect(deep).toMatchObject({ code: "WORK_ERROR", retryable: false });
    expect(deep.message).toMatch(/^deep\.html: RangeError: Maximum call stack size exceeded/);
    const down = async () => {
      throw Object.assign(new Error("connection closed"), { code: "CONNECTION_CLOSED" });
    };
    const err = await failure(p.run("ask", 1, { inline: true, deps: { lookup: down } }));
    expect(err).toMatchObject({ code: "CONNECTION_CLOSED", retryable: true });
    expect(p.stats().inline).toBe(5);
  });

  it("reports a worker that died under a unit of work: permanent when it died by itself, retried when killed from outside", async () => {
    const p = pool({ size: 1 });
    const exited = await failure(p.run("exit", null));
    expect(exited).toMatchObject({ code: "WORK_CRASHED", retryable: false });
    expect(exited.message).toMatch(/exit code 3/);
    const pid = await p.run<number>("pid", null);
    const sleeping = failure(p.run("sleep", 60_000));
    await new Promise((r) => setTimeout(r, 200));
    process.kill(pid, "SIGKILL");
    expect(await sleeping).toMatchObject({ code: "WORK_CRASHED", retryable: true });
  });

  it("stops every worker on close and refuses work after it", async () => {
    const p = pool({ size: 2 });
    await Promise.all([p.run("echo", 1), p.run("echo", 2)]);
    const { pids } = p.stats();
    expect(pids.length).toBeGreaterThan(0);
    await p.close();
    expect(pids.filter(alive)).toEqual([]);
    expect((await failure(p.run("echo", 3))).code).toBe("WORK_POOL_CLOSED");
  });

  it("leaves no worker behind when its parent is killed, even one busy in a loop", async () => {
    const script = `
      import { createWorkPool } from ${JSON.stringify(new URL("./work-pool.ts", import.meta.url).href)};
      const pool = createWorkPool({ modules: [${JSON.stringify(FIXTURE.href)}], size: 1, timeoutMs: 600000, memoryMb: 128 });
      console.log(await pool.run("pid", null));
      pool.run("spin", null).catch(() => {});`;
    const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../../..", import.meta.url)),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pid = await new Promise<number>((resolve) => parent.stdout?.once("data", (d: Buffer) => resolve(Number(d))));
    expect(alive(pid)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    parent.kill("SIGKILL");
    expect(await until(() => !alive(pid), 5000)).toBe(true);
  });
});
