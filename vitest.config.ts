import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// tests run the TypeScript sources of workspace packages (every export's "@sift/source" entry), no build needed
const alias = readdirSync(new URL("./packages", import.meta.url)).flatMap((name) => {
  const pkg = JSON.parse(readFileSync(new URL(`./packages/${name}/package.json`, import.meta.url), "utf8")) as {
    exports: Record<string, { "@sift/source"?: string }>;
  };
  return Object.entries(pkg.exports).flatMap(([sub, entry]) => {
    const source = entry["@sift/source"];
    if (!source) return [];
    const id = `@sift/${name}${sub === "." ? "" : sub.slice(1)}`;
    const find = new RegExp(`^${id.replace(/[/.]/g, "\\$&")}$`);
    return [{ find, replacement: fileURLToPath(new URL(`./packages/${name}/${source}`, import.meta.url)) }];
  });
});

const jsonReport = process.env.SIFT_TEST_JSON;

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: jsonReport ? ["default", "json"] : ["default"],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "bench/src/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/**/*.test.ts"],
          globalSetup: ["tests/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // the tests start servers and child processes; two cores do not take them all at once
          fileParallelism: false,
        },
      },
    ],
  },
});
