import type { TestProject } from "vitest/node";
import { natsEndpoint } from "./support/nats-endpoint.js";
import { assertBuilt } from "./support/pipeline.js";

/** One NATS server for the tests that do not kill theirs: a container when Docker answers, else the local binary. */
export default async function setup(project: TestProject) {
  assertBuilt();
  const endpoint = await natsEndpoint();
  project.provide("natsUrl", endpoint.url);
  process.stderr.write(`integration tests: shared NATS from ${endpoint.kind} at ${endpoint.url}\n`);
  return () => endpoint.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    natsUrl: string;
  }
}
