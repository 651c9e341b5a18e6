/**
 * Writes the README's configuration table from the one param definition
 * (src/params.ts), between the marker comments of the Configuration section.
 *
 *   npx tsx devtools/config-doc.ts            rewrites the table in ../README.md
 *   npx tsx devtools/config-doc.ts --check    fails when the committed table is stale
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PARAMS, localParamValues, type ParamDef } from "../src/params";
import { simulatedStack } from "./stack-env";
import { LOCAL_PROJECT_ID } from "./local-stack/config";
import { REPO_ROOT } from "./repo-root";

export const README_FILE = path.join(REPO_ROOT, "README.md");
export const TABLE_BEGIN =
  "<!-- config-table:begin: generated from functions/src/params.ts by `cd functions && npx tsx devtools/config-doc.ts`; edit the definition, not this table -->";
export const TABLE_END = "<!-- config-table:end -->";

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

/** `readme` with the text between the markers replaced by the current table. */
export function withConfigTable(readme: string): string {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  if (begin < 0 || end < begin) {
    throw new Error(`README.md has no configuration table markers (${TABLE_BEGIN} … ${TABLE_END})`);
  }
  return (
    readme.slice(0, begin + TABLE_BEGIN.length) +
    "\n" +
    renderConfigTable() +
    "\n" +
    readme.slice(end)
  );
}

/**
 * Rows of other README tables that quote a param's default (`| \`NAME\` | \`value\` |`,
 * e.g. the quotas table) and disagree with the definition: "NAME: README x, default y".
 */
export function staleDefaultsElsewhere(readme: string): string[] {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  const outside = begin >= 0 && end > begin ? readme.slice(0, begin) + readme.slice(end) : readme;
  const defs = PARAMS as Record<string, ParamDef>;
  const out: string[] = [];
  for (const m of outside.matchAll(/^\| `([A-Z0-9_]+)` \| `([^`]*)` \|/gm)) {
    const d = defs[m[1]];
    if (d && d.kind !== "secret" && String(d.default) !== m[2]) {
      out.push(`${m[1]}: README ${m[2]}, default ${String(d.default)}`);
    }
  }
  return out;
}

if (require.main === module) {
  const current = readFileSync(README_FILE, "utf8");
  const fresh = withConfigTable(current);
  const stale = staleDefaultsElsewhere(current);
  if (stale.length > 0) console.warn(`README.md quotes other defaults: ${stale.join("; ")}`);
  if (process.argv.includes("--check")) {
    if (current !== fresh || stale.length > 0) {
      console.error(
        "README.md's configuration table is out of date: run `cd functions && npx tsx devtools/config-doc.ts`.",
      );
      process.exit(1);
    }
    console.log("README.md's configuration table is up to date.");
  } else {
    writeFileSync(README_FILE, fresh);
    console.log(`wrote the configuration table of ${README_FILE}`);
  }
}
