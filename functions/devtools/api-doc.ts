/**
 * Writes the list of operations in docs/api.md from the operation table
 * (src/api/operations.ts), between the marker comments.
 *
 *   npx tsx devtools/api-doc.ts            rewrites the list in ../docs/api.md
 *   npx tsx devtools/api-doc.ts --check    fails when the committed list is stale
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { operationList, type OperationEntry } from "../src/api/operations";
import { combineRuntime } from "../src/runtime-options";
import { REPO_ROOT } from "./repo-root";

export const API_DOC_FILE = path.join(REPO_ROOT, "docs", "api.md");
export const LIST_BEGIN =
  "<!-- operations:begin: generated from functions/src/api/operations.ts by `cd functions && npx tsx devtools/api-doc.ts`; edit the table, not this list -->";
export const LIST_END = "<!-- operations:end -->";

const cell = (s: string): string => s.replace(/\|/g, "\\|");
const runtimeOf = (e: OperationEntry) => `${e.runtime.timeoutSeconds} s, ${e.runtime.memory}`;

function callerOf(e: OperationEntry): string {
  if (e.auth === "heygen-signature") return "HeyGen's signature";
  const consent = e.requiresConsent?.length
    ? `, consent ${e.requiresConsent.join(", ")} first`
    : "";
  return `user + App Check${consent}`;
}

/** The operations, one row each in table order, then the HTTPS functions they make. */
export function renderOperationList(): string {
  const ops = operationList();
  const rows = ops.map(([name, e]) => {
    const callable = e.callable ? `\`${name}_call\`` : "none (HTTPS only)";
    const secrets = e.secrets.length ? e.secrets.map((s) => `\`${s}\``).join(", ") : "none";
    return `| \`${name}\` | \`${e.method} ${e.path}\` | \`${e.https}\` | ${callable} | ${callerOf(e)} | ${runtimeOf(e)} | ${secrets} | ${cell(e.summary)} |`;
  });
  const functions = [...new Set(ops.map(([, e]) => e.https))].map((fn) => {
    const mine = ops.filter(([, e]) => e.https === fn).map(([, e]) => e);
    const r = combineRuntime(mine.map((e) => e.runtime));
    const methods = [...new Set(mine.map((e) => e.method))].join(", ");
    return `| \`${fn}\` | ${mine.length} | ${methods} | ${r.timeoutSeconds} s, ${r.memory}, ${r.concurrency} at once, ≤ ${r.maxInstances} instances |`;
  });
  return [
    "| operation | HTTPS route | HTTPS function | callable | caller | runtime | secrets | what it does |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    "| HTTPS function | operations | methods (CORS) | runtime |",
    "|---|---|---|---|",
    ...functions,
  ].join("\n");
}

/** `doc` with the text between the markers replaced by the current list. */
export function withOperationList(doc: string): string {
  const begin = doc.indexOf(LIST_BEGIN);
  const end = doc.indexOf(LIST_END);
  if (begin < 0 || end < begin) {
    throw new Error(`docs/api.md has no operation list markers (${LIST_BEGIN} … ${LIST_END})`);
  }
  return `${doc.slice(0, begin + LIST_BEGIN.length)}\n${renderOperationList()}\n${doc.slice(end)}`;
}

if (require.main === module) {
  const current = readFileSync(API_DOC_FILE, "utf8");
  const fresh = withOperationList(current);
  if (process.argv.includes("--check")) {
    if (current !== fresh) {
      console.error(
        "docs/api.md's operation list is out of date: run `cd functions && npx tsx devtools/api-doc.ts`.",
      );
      process.exit(1);
    }
    console.log("docs/api.md's operation list is up to date.");
  } else {
    writeFileSync(API_DOC_FILE, fresh);
    console.log(`wrote the operation list of ${API_DOC_FILE}`);
  }
}
