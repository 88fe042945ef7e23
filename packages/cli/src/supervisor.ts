import type { Logger } from "@sift/runtime";

/** Placeholder until the supervisor lands. */
export async function runSupervisor(_env: Record<string, string | undefined>, log: Logger): Promise<number> {
  log.error("not yet");
  return 1;
}
