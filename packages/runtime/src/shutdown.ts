import type { Logger } from "./logger.js";

let onParentGone: () => void = () => process.exit(0);
let watchingParent = false;

/**
 * A service started by `pnpm start` has an IPC channel to the supervisor, which closes when the supervisor
 * dies in any way (SIGKILL included); the service then stops as on SIGTERM (at once before `onShutdown`).
 * Only for a process the supervisor started: another parent's channel (a test runner's) is not ours.
 */
export function exitWithParent(): void {
  if (watchingParent || !process.channel) return;
  watchingParent = true;
  // the channel must not keep the process alive on its own
  process.channel.unref();
  process.once("disconnect", () => onParentGone());
}

/**
 * On SIGTERM/SIGINT (or when the supervisor is gone, see exitWithParent) runs `steps` in order, then exits;
 * a grace timer forces the exit.
 */
export function onShutdown(log: Logger, steps: Array<() => unknown>, graceMs: number): void {
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: reason }, "shutting down");
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
  for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => void stop(s));
  onParentGone = () => void stop("supervisor gone");
}
