/**
 * Builds the OpenAPI 3.1 document of every HTTPS endpoint from the route registry
 * (src/http/endpoints.ts: the functions' base paths, the same list index.ts wires)
 * and each route's own zod schemas: the request body and query it validates, the
 * response schema the router checks before sending, and its doc (summary, errors).
 * Nothing here names a path or a schema, so the document cannot drift from the code.
 *
 *   npx tsx devtools/openapi.ts            writes ../openapi.json
 *   npx tsx devtools/openapi.ts --check    fails when ../openapi.json is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { HTTP_ENDPOINTS } from "../src/http/endpoints";
import type { Route } from "../src/http/router";
import type { DocumentedBody } from "../src/http/route-doc";
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

const errors = (codes: number[]) =>
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

/** `/avatar/jobs` + `/:jobId` → `/avatar/jobs/{jobId}`. */
export function openApiPath(basePath: string, routePath: string): string {
  return (basePath + routePath).replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function parameters(r: Route) {
  const pathParams = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map(([, name]) => {
    const schema = r.doc.params?.shape[name] as z.ZodType | undefined;
    return {
      name,
      in: "path",
      required: true,
      schema: schema ? json(schema) : { type: "string" },
    };
  });
  const query =
    r.query instanceof z.ZodObject
      ? Object.entries(r.query.shape).map(([name, s]) => ({
          name,
          in: "query",
          required: !(s as z.ZodType).safeParse(undefined).success,
          schema: json(s as z.ZodType),
        }))
      : [];
  return [...pathParams, ...query];
}

function requestBody(r: Route) {
  const documented: DocumentedBody | undefined =
    r.doc.requestBody ?? (r.body ? { kind: "json", schema: r.body } : undefined);
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

function operation(functionName: string, r: Route) {
  const params = parameters(r);
  const body = requestBody(r);
  return {
    tags: [functionName],
    summary: r.doc.summary,
    security:
      r.doc.security === "heygenSignature"
        ? [{ heygenSignature: [] }]
        : r.auth
          ? [{ firebaseIdToken: [] }]
          : [],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: {
      [String(r.response.status)]: {
        description: r.response.description,
        content: { "application/json": { schema: json(r.response.schema) } },
      },
      ...(r.response.alternative
        ? {
            [String(r.response.alternative.status)]: {
              description: r.response.alternative.description,
              content: { "application/json": { schema: json(r.response.alternative.schema) } },
            },
          }
        : {}),
      ...errors(r.doc.errors),
    },
  };
}

export async function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, endpoint] of Object.entries(HTTP_ENDPOINTS)) {
    const ep: { basePath: string; routes: () => Promise<Route[]>; options?: string } = endpoint;
    for (const r of await ep.routes()) {
      const at = (paths[openApiPath(ep.basePath, r.path)] ??= {});
      at[r.method.toLowerCase()] = operation(name, r);
    }
    if (ep.options) {
      (paths[ep.basePath] ??= {}).options = {
        tags: [name],
        summary: ep.options,
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
        "HeyGen talking videos and photoreal 3D avatars. Every endpoint but the webhook needs `Authorization: Bearer <Firebase ID token>`. Generated from the route registry and the routes' zod schemas by functions/devtools/openapi.ts.",
    },
    servers: [{ url: "/", description: "Firebase Hosting rewrites to the functions" }],
    components: {
      securitySchemes: {
        firebaseIdToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "Firebase ID token (JWT)",
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
