import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// tests run the TypeScript sources of workspace packages, no build needed
const alias = Object.fromEntries(
  readdirSync(new URL("./packages", import.meta.url)).map((name) => [
    `@sift/${name}`,
    fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);

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
