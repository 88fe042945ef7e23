import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const repo = new URL("../../../", import.meta.url);
const firstImport = (file: URL) =>
  /^import\s+(?:[^"']*from\s+)?["']([^"']+)["']/m.exec(readFileSync(file, "utf8"))?.[1];

describe("V8 tuning", () => {
  // the budget holds for the functions created after it is set: an import above it would load code at the default
  it("is the first import of every entry point: the services, sift, a work pool's worker", () => {
    const services = readdirSync(new URL("services/", repo)).map((s) => new URL(`services/${s}/src/main.ts`, repo));
    expect(services.length).toBeGreaterThanOrEqual(5);
    for (const main of [...services, new URL("packages/cli/src/main.ts", repo)])
      expect([main.pathname, firstImport(main)]).toEqual([main.pathname, "@sift/runtime/v8-tuning"]);
    const child = new URL("work-child.ts", import.meta.url);
    expect(firstImport(child)).toBe("./v8-tuning.js");
  });
});
