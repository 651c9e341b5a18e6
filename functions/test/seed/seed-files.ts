/**
 * The examples of the two seed documents the product was specified from, read out of
 * the files themselves (`../shared/seeds/` next to the repository, as in CI), never
 * retyped: fenced blocks, `Response 200: \`{…}\`` lines and the option bullets of a
 * multipart request. Each example gets a stable id from where it sits: the endpoint it
 * belongs to (a `METHOD /path` label or heading), its role and its qualifier.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../devtools/repo-root";

export const SEEDS_DIR = path.resolve(REPO_ROOT, "..", "shared", "seeds");
export const SEED_FILES = ["heygen-integration-flow.txt", "photoreal-avatar-api.txt"] as const;
export type SeedFile = (typeof SEED_FILES)[number];

export type ExampleRole = "request" | "response" | "map" | "snippet";

export interface SeedExample {
  /** `<file>: <endpoint or heading> <role>[ (qualifier)]`, stable while the seed is. */
  id: string;
  file: SeedFile;
  /** 1-based line of the example's first line. */
  line: number;
  /** `POST /avatar/jobs`, or null for an example outside an endpoint. */
  endpoint: string | null;
  role: ExampleRole;
  /** The example as the file writes it (a fence's content, an inline JSON, the bullets). */
  text: string;
  /** The parsed JSON, for a JSON example (null for the others). */
  json: unknown;
}

const ENDPOINT = /^(GET|POST|PUT|PATCH|DELETE) (\/\S+)(.*)$/;
const INLINE = /^(Response \d{3}):\s*`(\{.*\})`\s*$/;
const OPTION = /^\s*-\s*([A-Za-z_]+):\s*(".*")\s*$/;

/** `POST /api/heygen/generate (minimal)` → the endpoint and what follows it. */
function endpointOf(label: string): { endpoint: string; rest: string } | null {
  const m = ENDPOINT.exec(label.trim());
  if (!m) return null;
  const [pathPart] = m[2].split("?");
  return { endpoint: `${m[1]} ${pathPart}`, rest: m[3].trim() };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function readSeed(file: SeedFile): string {
  const full = path.join(SEEDS_DIR, file);
  if (!existsSync(full))
    throw new Error(`${full} is missing: the seeds sit in ../shared/seeds/ next to the repo`);
  return readFileSync(full, "utf8");
}

/** Every example of one seed document, in file order. */
export function parseSeed(file: SeedFile, content = readSeed(file)): SeedExample[] {
  const lines = content.split(/\r?\n/);
  const out: SeedExample[] = [];
  let heading = "";
  let section: string | null = null; // the endpoint of the current heading, or of the last request
  let label = "";
  const add = (e: Omit<SeedExample, "id" | "file">, qualifier: string) => {
    const where = e.endpoint ?? heading;
    const id = `${file}: ${where} ${e.role}${qualifier ? ` ${qualifier}` : ""}`;
    if (out.some((o) => o.id === id)) throw new Error(`two seed examples would be ${id}`);
    out.push({ ...e, id, file });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    const h = /^#{1,6}\s+(.*)$/.exec(trimmed);
    if (h) {
      heading = h[1].trim();
      section = endpointOf(heading)?.endpoint ?? null;
      label = "";
      continue;
    }
    const fence = /^```(\w*)\s*$/.exec(trimmed);
    if (fence) {
      const start = i + 1;
      let end = start;
      while (end < lines.length && lines[end].trim() !== "```") end++;
      const text = lines.slice(start, end).join("\n");
      i = end;
      const json = parseJson(text);
      const own = endpointOf(label) ?? endpointOf(text);
      if (fence[1] === "js" || fence[1] === "javascript") {
        add({ line: start + 1, endpoint: null, role: "snippet", text, json: null }, "");
      } else if (json && typeof json === "object" && "MBP" in json) {
        add({ line: start + 1, endpoint: null, role: "map", text, json }, "");
      } else if (/^Response\b/.test(label)) {
        const status = /^Response (\d{3})/.exec(label)?.[1] ?? "";
        add({ line: start + 1, endpoint: section, role: "response", text, json }, status);
      } else if (own) {
        section = own.endpoint;
        add({ line: start + 1, endpoint: own.endpoint, role: "request", text, json }, own.rest);
      } else if (/^Request\b/.test(label)) {
        add({ line: start + 1, endpoint: section, role: "request", text, json }, "");
      } else {
        throw new Error(`${file}:${start + 1}: a fenced block after "${label}" is not understood`);
      }
      label = "";
      continue;
    }
    const inline = INLINE.exec(trimmed);
    if (inline) {
      const status = inline[1].split(" ")[1];
      const json = parseJson(inline[2]);
      add({ line: i + 1, endpoint: section, role: "response", text: inline[2], json }, status);
      continue;
    }
    if (/^-\s*options \(JSON\):\s*$/.test(trimmed)) {
      // The multipart request's options, one bullet per field: `- output: "glb"`.
      const bullets: string[] = [];
      while (i + 1 < lines.length && OPTION.test(lines[i + 1])) bullets.push(lines[++i]);
      add(
        {
          line: i + 2 - bullets.length,
          endpoint: section,
          role: "request",
          text: bullets.join("\n"),
          json: null,
        },
        "(options)",
      );
      continue;
    }
    if (trimmed) label = trimmed.replace(/:$/, "");
  }
  return out;
}

/**
 * The option bullets as the requests they allow: each `a | b` alternative once, the
 * other fields as written (`blendshapes: "arkit" | "basic"` → two option objects).
 */
export function optionVariants(bullets: string): Record<string, string>[] {
  const fields = bullets.split("\n").map((l) => {
    const m = OPTION.exec(l);
    if (!m) throw new Error(`not an option bullet: ${l}`);
    const values = m[2].split("|").map((v) => JSON.parse(v.trim()) as string);
    return { key: m[1], values };
  });
  const widest = Math.max(...fields.map((f) => f.values.length));
  return Array.from({ length: widest }, (_, n) =>
    Object.fromEntries(fields.map((f) => [f.key, f.values[Math.min(n, f.values.length - 1)]])),
  );
}
