/**
 * Builds the OpenAPI 3.1 document of the HTTPS surface from the operation table
 * (src/api/operations.ts: methods, paths, who may call) and each operation's own zod
 * schemas: the input it validates (path parameters, query string or body), the
 * response schemas both surfaces check before answering, and its error statuses.
 * Nothing here names a path or a schema, so the document cannot drift from the code.
 *
 *   npx tsx devtools/openapi.ts            writes ../openapi.json
 *   npx tsx devtools/openapi.ts --check    fails when ../openapi.json is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { operationList, type OperationEntry } from "../src/api/operations";
import type { DocumentedBody, OperationImpl } from "../src/api/operation";
import { ERROR_STATUS } from "../src/errors";
import { REPO_ROOT } from "./repo-root";

/** JSON Schema of a zod schema, without the per-schema `$schema` key (OpenAPI 3.1 sets the dialect). */
const json = (schema: z.ZodType): Record<string, unknown> => {
  const out = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  delete out.$schema;
  return out;
};

const errorBody = z.object({
  error: z.enum(
    Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]],
  ),
  message: z.string(),
  details: z.unknown().optional(),
});

const errors = (codes: readonly number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: Object.entries(ERROR_STATUS)
          .filter(([, s]) => s === c)
          .map(([k]) => k)
          .join(", "),
        content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } },
      },
    ]),
  );

/** `/avatar/jobs/:jobId` → `/avatar/jobs/{jobId}`. */
export function openApiPath(tablePath: string): string {
  return tablePath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

export const pathParamsOf = (tablePath: string): string[] =>
  [...tablePath.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => name);

/** The input's fields: path parameters, then query or body. */
const fieldsOf = (impl: OperationImpl): Record<string, z.ZodType> =>
  impl.input instanceof z.ZodObject ? (impl.input.shape as Record<string, z.ZodType>) : {};

function parameters(entry: OperationEntry, impl: OperationImpl) {
  const fields = fieldsOf(impl);
  const inPath = pathParamsOf(entry.path);
  const pathParams = inPath.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: fields[name] ? json(fields[name]) : { type: "string" },
  }));
  const query =
    entry.method === "GET"
      ? Object.entries(fields)
          .filter(([name]) => !inPath.includes(name))
          .map(([name, s]) => ({
            name,
            in: "query",
            required: !s.safeParse(undefined).success,
            schema: json(s),
          }))
      : [];
  return [...pathParams, ...query];
}

/** The documented body: the operation's own, a multipart form, or the input less its path parameters. */
function documentedBody(entry: OperationEntry, impl: OperationImpl): DocumentedBody | undefined {
  if (impl.doc.requestBody) return impl.doc.requestBody;
  if (entry.method === "GET") return undefined;
  const fields = fieldsOf(impl);
  if (impl.httpInput?.kind === "multipart") {
    const { file, jsonFields } = impl.httpInput;
    const fileSchema = fields[file]?.meta?.() as { description?: string } | undefined;
    return {
      kind: "multipart",
      file: { name: file, description: fileSchema?.description ?? "The file" },
      jsonFields: Object.fromEntries(
        jsonFields.flatMap((name) => (fields[name] ? [[name, fields[name]]] : [])),
      ),
    };
  }
  if (!(impl.input instanceof z.ZodObject)) return { kind: "json", schema: impl.input };
  const input = impl.input;
  const omit = Object.fromEntries(pathParamsOf(entry.path).map((p) => [p, true] as const));
  const body = input.omit(omit as Parameters<typeof input.omit>[0]);
  return Object.keys(body.shape).length > 0 ? { kind: "json", schema: body } : undefined;
}

function requestBody(documented: DocumentedBody | undefined) {
  if (!documented) return undefined;
  switch (documented.kind) {
    case "json":
      return {
        required: true,
        content: { "application/json": { schema: json(documented.schema) } },
      };
    case "oneOf":
      return {
        required: true,
        content: {
          "application/json": {
            schema: {
              oneOf: documented.shapes.map((s) => ({ title: s.title, ...json(s.schema) })),
            },
          },
        },
      };
    case "multipart":
      return {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: [documented.file.name],
              properties: {
                [documented.file.name]: {
                  type: "string",
                  format: "binary",
                  description: documented.file.description,
                },
                ...Object.fromEntries(
                  Object.entries(documented.jsonFields).map(([name, schema]) => [
                    name,
                    {
                      type: "string",
                      description: `JSON of the ${name} object`,
                      contentMediaType: "application/json",
                      contentSchema: json(schema),
                    },
                  ]),
                ),
              },
            },
          },
        },
      };
  }
}

function operation(name: string, entry: OperationEntry, impl: OperationImpl) {
  const params = parameters(entry, impl);
  const body = requestBody(documentedBody(entry, impl));
  return {
    operationId: name,
    tags: [entry.https],
    summary: entry.summary,
    ...(entry.callable ? { "x-callable": `${name}_call` } : {}),
    security:
      entry.auth === "heygen-signature"
        ? [{ heygenSignature: [] }]
        : [{ firebaseIdToken: [], appCheck: [] }, { firebaseIdToken: [] }],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: {
      ...Object.fromEntries(
        impl.responses.map((r) => [
          String(r.status),
          {
            description: r.description,
            content: { "application/json": { schema: json(r.schema) } },
          },
        ]),
      ),
      ...errors(impl.doc.errors),
    },
  };
}

export async function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, entry] of operationList()) {
    const impl: OperationImpl = await entry.load();
    const at = (paths[openApiPath(entry.path)] ??= {});
    at[entry.method.toLowerCase()] = operation(name, entry, impl);
    if (entry.auth === "heygen-signature") {
      at.options = {
        tags: [entry.https],
        summary: "URL validation by HeyGen (answered 200 at once)",
        responses: { "200": { description: "OK" } },
      };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Masky avatar backend",
      version,
      description:
        "HeyGen talking videos and photoreal 3D avatars. Every operation but the webhook needs `Authorization: Bearer <Firebase ID token>`, and an App Check token (`X-Firebase-AppCheck`) when APP_CHECK_ENFORCED is on; each is also a callable (`x-callable`) with the same input, answer and error codes. Generated from the operation table and the operations' zod schemas by functions/devtools/openapi.ts.",
    },
    servers: [{ url: "/", description: "Firebase Hosting rewrites to the functions" }],
    components: {
      securitySchemes: {
        firebaseIdToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "Firebase ID token (JWT)",
        },
        appCheck: {
          type: "apiKey",
          in: "header",
          name: "X-Firebase-AppCheck",
          description: "Firebase App Check token; required when APP_CHECK_ENFORCED is on",
        },
        heygenSignature: {
          type: "apiKey",
          in: "header",
          name: "signature",
          description:
            "hex HMAC-SHA256 of the raw body (legacy `signature`; v3 `Heygen-Signature` with `Heygen-Timestamp`)",
        },
      },
      schemas: { ErrorBody: json(errorBody) },
    },
    paths,
  };
}

export const OPENAPI_FILE = path.join(REPO_ROOT, "openapi.json");

export async function renderOpenApi(): Promise<string> {
  const pkg = JSON.parse(readFileSync(path.resolve(__dirname, "..", "package.json"), "utf8")) as {
    version?: string;
  };
  return JSON.stringify(await buildOpenApi(pkg.version ?? "1.0.0"), null, 2) + "\n";
}

async function main(): Promise<void> {
  const fresh = await renderOpenApi();
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(OPENAPI_FILE, "utf8");
    } catch {
      /* missing counts as stale */
    }
    if (current !== fresh) {
      console.error(
        "openapi.json is out of date: run `cd functions && npx tsx devtools/openapi.ts`.",
      );
      process.exit(1);
    }
    console.log("openapi.json is up to date.");
  } else {
    writeFileSync(OPENAPI_FILE, fresh);
    console.log(`wrote ${OPENAPI_FILE}`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
