import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jsonSchemas } from "./schemas.js";

// dist/ and src/ both sit one level below the package
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "schema");
mkdirSync(out, { recursive: true });
for (const [name, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(out, `${name}.json`), `${JSON.stringify(schema, null, 2)}\n`);
}
process.stderr.write(`wrote ${Object.keys(jsonSchemas()).length} schemas to ${out}\n`);
