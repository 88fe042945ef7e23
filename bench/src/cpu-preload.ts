/**
 * Preloaded (`--import`) into every Node.js process of a profiled run, since `--cpu-prof` is not allowed in
 * NODE_OPTIONS: profiles the process from here on and writes `<pid>.cpuprofile` to SIFT_CPU_PROFILE_DIR at exit.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";

const dir = process.env.SIFT_CPU_PROFILE_DIR;
// a worker thread (the work child's watchdog) is not profiled: it would write under the same pid
if (dir && isMainThread) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  process.once("exit", () => {
    // the main thread's session answers at once, so this runs before the process is gone
    session.post("Profiler.stop", (err, result) => {
      if (!err) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
