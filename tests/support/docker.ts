import { execFile } from "node:child_process";

/** Why no Docker engine can be used here, or undefined when one answers. */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("docker", ["info", "--format", "{{.ServerVersion}}"], { timeout: 5000 }, (err, stdout, stderr) => {
      if (!err && stdout.trim()) return resolve(undefined);
      const detail = (stderr || (err?.message ?? "")).trim().split("\n")[0];
      resolve(`no Docker engine answers (${detail || "docker info failed"})`);
    });
  });
}
