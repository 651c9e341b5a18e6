/**
 * Renders docs/configuration.md from the one param definition (src/params.ts), so the
 * configuration page cannot drift from the code (test/unit/config-doc.test.ts compares
 * them). It also checks the other pages that quote a param's default in a table row
 * (the quotas table of docs/privacy.md) against the definition.
 *
 *   npx tsx devtools/config-doc.ts            writes ../docs/configuration.md
 *   npx tsx devtools/config-doc.ts --check    fails when it is stale or another page disagrees
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PARAMS, localParamValues, type ParamDef } from "../src/params";
import { simulatedStack } from "./stack-env";
import { LOCAL_PROJECT_ID } from "./local-stack/config";
import { REPO_ROOT } from "./repo-root";

const DOCS_DIR = path.join(REPO_ROOT, "docs");
export const CONFIG_DOC_FILE = path.join(DOCS_DIR, "configuration.md");

const KIND: Record<ParamDef["kind"], string> = {
  string: "string",
  int: "int",
  bool: "boolean",
  secret: "secret",
};

const code = (v: string | number | boolean): string => (v === "" ? "empty" : `\`${v}\``);
const cell = (s: string): string => s.replace(/\|/g, "\\|");
const range = (min?: number, max?: number): string =>
  min !== undefined && max !== undefined
    ? `; ${min}–${max}`
    : min !== undefined
      ? `; at least ${min}`
      : max !== undefined
        ? `; at most ${max}`
        : "";

/** The table, one row per param in definition order. */
export function renderConfigTable(): string {
  const local = localParamValues(simulatedStack(LOCAL_PROJECT_ID));
  const localOf = (name: string): string | number | boolean =>
    (local.settings as Record<string, string | number | boolean>)[name] ??
    (local.secrets as Record<string, string>)[name];
  const rows = (Object.entries(PARAMS) as [string, ParamDef][]).map(([name, d]) => {
    const dflt = d.kind === "secret" ? "none" : code(d.default);
    const stack = localOf(name);
    const localCell = d.kind !== "secret" && stack === d.default ? "default" : code(stack);
    const bounds = d.kind === "int" ? range(d.min, d.max) : "";
    return `| \`${name}\` | ${KIND[d.kind]} | ${dflt} | ${localCell} | ${cell(d.description)}${bounds} |`;
  });
  return [
    "| name | kind | default | local and test stack | meaning |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

const INTRO = `# Configuration

<!-- Generated from functions/src/params.ts by \`cd functions && npx tsx devtools/config-doc.ts\`; edit the definition, not this page. -->

Every param and secret is defined once, in \`functions/src/params.ts\` (name, kind,
default, description, the value the local and test stacks use). From that definition
come the firebase-functions params and secrets (\`functions/src/config.ts\`), the
emulator-only \`functions/.env.local\` and \`.secret.local\` that \`npm start\` writes,
the test stack's config (\`functions/devtools/stack-env.ts\`), and this page
(\`cd functions && npx tsx devtools/config-doc.ts\`; the unit tier fails when it is
stale). How to add one: [development.md](development.md#adding-a-param-one-edit).

## Where values come from

Locally, put values in \`functions/.env.local\` and secrets in
\`functions/.secret.local\` (emulator only, both git-ignored; \`npm start\` writes them
pointing at the simulators when they do not exist yet). In production the CLI asks for
the params without a default on the first deploy and stores them in
\`functions/.env.<project-id>\`; secrets are set with
\`firebase functions:secrets:set NAME\`. Running the local stack against the real APIs
and deploying are described in [operations.md](operations.md#running-against-the-real-apis).
Quotas and rate limits are explained in
[privacy.md](privacy.md#quotas-and-rate-limits).

## Params and secrets

`;

/** The whole page: the introduction, then the table. */
export function renderConfigDoc(): string {
  return `${INTRO}${renderConfigTable()}\n`;
}

/**
 * Table rows of another page that quote a param's default (`| \`NAME\` | \`value\` |`,
 * e.g. the quotas table) and disagree with the definition: "NAME: value, default y".
 */
export function staleDefaultsElsewhere(markdown: string): string[] {
  const defs = PARAMS as Record<string, ParamDef>;
  const out: string[] = [];
  for (const m of markdown.matchAll(/^\| `([A-Z0-9_]+)` \| `([^`]*)` \|/gm)) {
    const d = defs[m[1]];
    if (d && d.kind !== "secret" && String(d.default) !== m[2]) {
      out.push(`${m[1]}: ${m[2]}, default ${String(d.default)}`);
    }
  }
  return out;
}

/** README.md and every page of docs/ but the generated configuration page. */
export function pagesQuotingDefaults(): string[] {
  const docs = readdirSync(DOCS_DIR)
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join(DOCS_DIR, f))
    .filter((f) => f !== CONFIG_DOC_FILE);
  return [path.join(REPO_ROOT, "README.md"), ...docs];
}

/** "page: NAME: value, default y" for every quoted default that disagrees. */
export function staleDefaultsInPages(): string[] {
  return pagesQuotingDefaults().flatMap((file) =>
    staleDefaultsElsewhere(readFileSync(file, "utf8")).map(
      (s) => `${path.relative(REPO_ROOT, file)}: ${s}`,
    ),
  );
}

if (require.main === module) {
  const fresh = renderConfigDoc();
  const stale = staleDefaultsInPages();
  if (stale.length > 0) console.warn(`Pages quote other defaults: ${stale.join("; ")}`);
  if (process.argv.includes("--check")) {
    if (readFileSync(CONFIG_DOC_FILE, "utf8") !== fresh || stale.length > 0) {
      console.error(
        "docs/configuration.md is out of date: run `cd functions && npx tsx devtools/config-doc.ts`.",
      );
      process.exit(1);
    }
    console.log("docs/configuration.md is up to date.");
  } else {
    writeFileSync(CONFIG_DOC_FILE, fresh);
    console.log(`wrote ${CONFIG_DOC_FILE}`);
  }
}
