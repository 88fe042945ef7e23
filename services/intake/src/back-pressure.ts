import type { Logger } from "@sift/runtime";

export interface BackPressureOptions {
  /** Messages the first stage may have waiting and in flight before intake stops taking files (0: no bound). */
  bound: number;
  /** Reads the first stage's pending count; undefined when it cannot be read (no consumer yet, NATS away). */
  read: () => Promise<number | undefined>;
  /** How long to wait between readings while over the bound. */
  pollMs: number;
  log: Logger;
  /** A reading younger than this is trusted, with the files taken since added to it. */
  freshMs?: number;
}

/**
 * Holds intake while the first stage has more than `bound` messages waiting or in flight: the intake folder
 * is the buffer, not the stream. Logs once when it starts waiting and once when it resumes.
 */
export function createBackPressure(o: BackPressureOptions) {
  let reading = 0;
  let readAt = 0;
  let takenSince = 0;
  const refresh = async () => {
    const n = await o.read().catch(() => undefined);
    // an unreadable count holds nothing back: the stream's own limits still apply
    reading = n ?? 0;
    readAt = Date.now();
    takenSince = 0;
  };
  return {
    /** Resolves once one more file may be taken; `stopped` ends the wait early. */
    async wait(stopped: () => boolean): Promise<void> {
      if (o.bound <= 0) return;
      if (Date.now() - readAt > (o.freshMs ?? 250) || reading + takenSince >= o.bound) await refresh();
      if (reading + takenSince >= o.bound) {
        const since = Date.now();
        o.log.info({ pending: reading, bound: o.bound }, "first stage busy, intake waiting");
        while (!stopped() && reading >= o.bound) {
          await new Promise((r) => setTimeout(r, o.pollMs));
          await refresh();
        }
        o.log.info({ pending: reading, bound: o.bound, waitedMs: Date.now() - since }, "intake resuming");
      }
      takenSince++;
    },
  };
}
