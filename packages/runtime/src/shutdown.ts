import type { Logger } from "./logger.js";

/** On SIGTERM/SIGINT runs `steps` in order, then exits; a grace timer forces the exit. */
export function onShutdown(log: Logger, steps: Array<() => unknown>, graceMs: number): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    setTimeout(() => {
      log.error({ graceMs }, "grace period expired, exiting");
      process.exit(1);
    }, graceMs).unref();
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        log.warn({ err }, "shutdown step failed");
      }
    }
    log.info("stopped");
    process.exit(0);
  };
  for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, stop);
}
