/** Tasks for the work pool's tests: each one misbehaves in its own way. */
export const tasks = {
  echo: (x: unknown) => x,
  spin: () => {
    for (;;) {}
  },
  /** Objects on the V8 heap until it is full. */
  grow: () => {
    const keep: Array<{ i: number; s: string }> = [];
    for (let i = 0; ; i++) keep.push({ i, s: `item ${i}` });
  },
  /** Memory outside the heap (Buffers), which the heap cap does not see. */
  buffers: () => {
    const keep: Buffer[] = [];
    for (;;) keep.push(Buffer.alloc(16 * 1024 * 1024, 1));
  },
  recurse: () => {
    const down = (n: number): number => (n === 0 ? 0 : 1 + down(n - 1));
    return down(1e8);
  },
  ours: () => {
    throw Object.assign(new Error("doc 7: not a readable thing"), { code: "CORRUPT_THING", retryable: false });
  },
  exit: () => process.exit(3),
  /** Waits for the parent twice, then works a little. */
  ask: async (x: number, deps: { lookup: (n: number) => Promise<number> }) =>
    (await deps.lookup(x)) + (await deps.lookup(x)),
  pid: () => process.pid,
  /** Keeps `mb` of memory after it returns, as a unit that leaves its worker large. */
  hold: (mb: number) => {
    (globalThis as { held?: Buffer }).held = Buffer.alloc(mb * 1024 * 1024, 1);
    return mb;
  },
  sleep: (ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)),
};
