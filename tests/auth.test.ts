import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, nkeys } from "@nats-io/transport-node";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalNats, startLocalNats } from "./support/nats-server.js";
import { type Pipeline, removeDir, startPipeline } from "./support/pipeline.js";
import { sift } from "./support/sift-cli.js";
import { makeTestCa, type TestCa } from "./support/tls.js";

const PASSWORD = `pw-${randomBytes(12).toString("hex")}`;
const NOTE = "Harbour notice\n\nThe harbour master of Belford said the ferry would sail late, and Anna Berg agreed.\n";

describe("NATS with users, passwords, an nkey and TLS from a test CA", () => {
  let nats: LocalNats | undefined;
  let p: Pipeline | undefined;
  let ca: TestCa | undefined;
  afterAll(async () => {
    await p?.stopAll();
    await nats?.stop();
    if (p) removeDir(p.dataDir);
    if (ca) rmSync(ca.dir, { recursive: true, force: true });
  });

  it("refuses clients without credentials or without the CA, and runs the pipeline with them; no log holds a secret", async () => {
    ca = makeTestCa();
    const user = nkeys.createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    const seedFile = join(ca.dir, "sift.nk");
    writeFileSync(seedFile, `${seed}\n`);
    nats = await startLocalNats({
      conf: [
        `tls { cert_file: "${ca.cert}", key_file: "${ca.key}", timeout: 2 }`,
        `authorization { users: [ { user: sift, password: "${PASSWORD}" }, { nkey: ${user.getPublicKey()} } ] }`,
      ].join("\n"),
    });
    const secure = { NATS_TLS_CA: ca.ca };

    // no credentials: refused, with TLS right
    const anonymous = await connect({ servers: nats.url, tls: { caFile: ca.ca }, timeout: 3000 }).catch((e) => e);
    expect(String(anonymous)).toMatch(/Authorization Violation/i);
    // the right password, but a client that does not trust the test CA: refused
    const untrusting = await connect({ servers: nats.url, user: "sift", pass: PASSWORD, tls: {}, timeout: 3000 }).catch(
      (e) => e,
    );
    expect(String(untrusting)).toMatch(/certificate/i);
    // a wrong password: refused, and `sift status` says what to check
    const wrong = await sift(["status"], { NATS_URL: nats.url, ...secure, NATS_USER: "sift", NATS_PASSWORD: "nope" });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(
      /^sift: NATS at nats:\/\/127\.0\.0\.1:\d+ refused the connection \(.*\): check NATS_USER/,
    );

    p = await startPipeline({
      natsUrl: nats.url,
      env: { ...secure, NATS_USER: "sift", NATS_PASSWORD: PASSWORD, LOG_LEVEL: "debug" },
    });
    writeFileSync(join(p.dir("intake"), "notice.txt"), NOTE);
    await p.waitForOutputs(1, 30_000);
    expect(p.files("failed")).toEqual([]);

    // the operator's command with the nkey seed file, over TLS
    const status = await sift(["status", "--json"], { NATS_URL: nats.url, ...secure, NATS_NKEY: seedFile });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).files.completed).toBe(1);
    const withPassword = await sift(["status"], {
      NATS_URL: nats.url,
      ...secure,
      NATS_USER: "sift",
      NATS_PASSWORD: PASSWORD,
    });
    expect(withPassword.code).toBe(0);

    const everything = [
      ...p.logs().map((l) => JSON.stringify(l)),
      status.stdout,
      status.stderr,
      withPassword.stdout,
      withPassword.stderr,
      wrong.stdout,
      wrong.stderr,
    ].join("\n");
    expect(p.logs().length).toBeGreaterThan(20);
    for (const secret of [PASSWORD, seed, "nope"]) expect(everything.includes(secret)).toBe(false);
  });
});
