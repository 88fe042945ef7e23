import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { jsonSchemas } from "./schemas.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "schema");

describe("committed JSON Schemas", () => {
  it("match the zod contracts (run `pnpm schemas` after changing a contract)", () => {
    const fresh = jsonSchemas();
    const committed = readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(committed.sort()).toEqual(
      Object.keys(fresh)
        .map((n) => `${n}.json`)
        .sort(),
    );
    for (const [name, schema] of Object.entries(fresh)) {
      expect(JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")), name).toEqual(schema);
    }
  });
});
