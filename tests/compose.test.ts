import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerComposeEnvironment, type StartedDockerComposeEnvironment, Wait } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeImages, composeUnavailableReason } from "./support/docker.js";
import { repoRoot } from "./support/pipeline.js";

const noDocker = await composeUnavailableReason(repoRoot);
if (noDocker) process.stderr.write(`compose test skipped: ${noDocker}\n`);

describe("what compose needs from a registry", () => {
  it("is the NATS image and the Dockerfile's base, not the image compose builds", () => {
    expect(composeImages(repoRoot)).toEqual(["nats:2.10-alpine", "node:20-bookworm-slim"]);
  });
});

describe.skipIf(noDocker !== undefined)("docker compose", () => {
  let env: StartedDockerComposeEnvironment;
  // made in beforeAll: a skipped suite must not leave an empty folder behind
  let data = "";
  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), "sift-compose-"));
    for (const d of ["intake", "processed", "failed", "output"]) mkdirSync(join(data, d), { recursive: true });
    env = await new DockerComposeEnvironment(repoRoot, "docker-compose.yml")
      .withBuild()
      // auth is on in compose: the password a .env would give
      .withEnvironment({
        SIFT_HOST_DATA: data,
        NATS_PASSWORD: "compose-test-password",
        SIFT_UID: String(process.getuid?.() ?? 1000),
        SIFT_GID: String(process.getgid?.() ?? 1000),
      })
      // every service, NATS included, has a healthcheck; stage services publish no ports to wait on
      .withDefaultWaitStrategy(Wait.forHealthCheck())
      .up();
  }, 600_000);
  afterAll(async () => {
    await env?.down({ removeVolumes: true });
    if (data) rmSync(data, { recursive: true, force: true });
  });

  it("builds, starts, and turns a dropped file into its output", async () => {
    writeFileSync(join(data, "intake", "hello.txt"), "Hello from compose.\n\nLena Fischer lives in Berlin.\n");
    const target = join(data, "output", "hello.txt.json");
    const t0 = Date.now();
    while (!existsSync(target) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 250));
    const out = JSON.parse(readFileSync(target, "utf8"));
    expect(out.file.name).toBe("hello.txt");
    expect(out.documents[0].text).toContain("Lena Fischer lives in Berlin.");
  });
});
