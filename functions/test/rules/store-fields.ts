/**
 * What the rules test writes, found rather than listed: the field paths of every zod
 * schema exported by src/store/ (nested objects as dotted paths), each with a value of
 * its type, and the collections the server code names. A field or a schema added to
 * store/ is tried against the rules the day it is added.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const FUNCTIONS = path.resolve(__dirname, "..", "..");
const STORE = path.join(FUNCTIONS, "src", "store");

/** The part of JSON Schema that zod writes and this walk reads. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
}

/** A value the server could store in a field of this schema (timestamps and other custom types: a date). */
function sampleOf(s: JsonSchema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  const alternatives = [...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  if (alternatives.length) {
    const typed = alternatives.find((a) => a.type !== "null") ?? alternatives[0];
    return sampleOf(typed);
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "string":
      return "set-by-client";
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return {};
    case "null":
      return null;
    default:
      return new Date(0);
  }
}

function walk(s: JsonSchema, prefix: string, out: Map<string, unknown>): void {
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) {
    walk(alt, prefix, out);
  }
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const at = `${prefix}${key}`;
    if (!out.has(at)) out.set(at, sampleOf(child));
    walk(child, `${at}.`, out);
  }
}

export interface StoreSchema {
  module: string;
  name: string;
  fields: Map<string, unknown>;
}

/** Every zod schema exported by a module of src/store/, with its field paths. */
export async function storeSchemas(): Promise<StoreSchema[]> {
  const found: StoreSchema[] = [];
  for (const file of readdirSync(STORE)
    .filter((f) => /\.ts$/.test(f))
    .sort()) {
    const mod = (await import(path.join(STORE, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (!(value instanceof z.ZodType)) continue;
      const json = z.toJSONSchema(value, { unrepresentable: "any", io: "input" }) as JsonSchema;
      const fields = new Map<string, unknown>();
      walk(json, "", fields);
      found.push({ module: file, name, fields });
    }
  }
  return found;
}

/** The union of the schemas' field paths, each with a sample value. */
export function allFields(schemas: StoreSchema[]): Map<string, unknown> {
  const all = new Map<string, unknown>();
  for (const s of schemas) for (const [p, v] of s.fields) if (!all.has(p)) all.set(p, v);
  return all;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? tsFiles(path.join(dir, d.name))
      : d.name.endsWith(".ts")
        ? [path.join(dir, d.name)]
        : [],
  );
}

/** A path with its template parts (`${uid}`) as `{}`. */
const normalised = (p: string): string[] =>
  p
    .replace(/\$\{[^}]*\}/g, "{}")
    .split("/")
    .filter(Boolean);

/**
 * The last collection segment of every collection the server code names in a string
 * literal: `collection("x")`, `collection(`users/${uid}/x`)`, `doc(`x/${id}`)`.
 */
export function collectionsNamedInSource(): string[] {
  const names = new Set<string>();
  for (const file of tsFiles(path.join(FUNCTIONS, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\.collection\(\s*(["'`])([^"'`]+)\1\s*\)/g)) {
      const segments = normalised(m[2]);
      names.add(segments[segments.length - 1]);
    }
    for (const m of text.matchAll(/\.doc\(\s*(["'`])([^"'`]+\/[^"'`]+)\1\s*\)/g)) {
      const segments = normalised(m[2]);
      names.add(segments[segments.length - 2]);
    }
  }
  return [...names].sort();
}

/** The collection of every `match /…/{id}` block of the rules (its last collection segment). */
export function collectionsMatchedInRules(rules: string): string[] {
  const names = new Set<string>();
  for (const m of rules.matchAll(/match\s+\/([^\s{]*?)\/?\{[^}]+\}/g)) {
    const segments = m[1].split("/").filter(Boolean);
    const last = segments[segments.length - 1];
    if (last && last !== "databases") names.add(last);
  }
  return [...names].sort();
}
