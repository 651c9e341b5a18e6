/**
 * The CI subset of the mutation run (`npm run mutate:ci`, in .ci/run): the full
 * configuration (stryker.config.json, `npm run mutate`) without the pure helpers that
 * guard neither money nor data (blendshape names, HeyGen error kinds and their API
 * mapping, retry timing, file sniffing), so CI runs fewer mutants. Every
 * guard module of the full list is mutated here too; a module added there is added here.
 */
import { readFileSync } from "node:fs";
import { URL } from "node:url";

const full = JSON.parse(readFileSync(new URL("./stryker.config.json", import.meta.url), "utf8"));

const NOT_IN_CI = new Set([
  "src/services/avatar/blendshapes.ts",
  "src/clients/heygen/errors.ts",
  "src/services/heygen/upstream-errors.ts",
  "src/clients/http/retry.ts",
  "src/services/media/sniff.ts",
]);

export default { ...full, mutate: full.mutate.filter((file) => !NOT_IN_CI.has(file)) };
