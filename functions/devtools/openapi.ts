/**
 * Builds the OpenAPI 3.1 document of every HTTPS endpoint from the zod schemas the
 * handlers validate with (zod's own JSON Schema output), so it cannot drift.
 *
 *   npx tsx devtools/openapi.ts            writes ../openapi.json
 *   npx tsx devtools/openapi.ts --check    fails when ../openapi.json is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import {
  generateRecordedShape,
  generateScriptShape,
  videoStatusQuery,
  voicesQuery,
} from "../src/handlers/heygen-schemas";
import { voiceUsedSchema } from "../src/store/projects";
import { preferencesBody, preferencesQuery } from "../src/handlers/avatar-schemas";
import { consentBody, consentStateSchema, removalReportSchema } from "../src/handlers/me-schemas";
import { jobOptionsSchema } from "../src/store/avatar-jobs";
import { ERROR_STATUS } from "../src/errors";

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

function queryParams(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, s]) => ({
    name,
    in: "query",
    required: !(s as z.ZodType).safeParse(undefined).success,
    schema: json(s as z.ZodType),
  }));
}

const errors = (...codes: number[]) =>
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

const ok = (description: string, schema: z.ZodType, status = "200") => ({
  [status]: { description, content: { "application/json": { schema: json(schema) } } },
});

const pathParam = (name: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string" },
});
const authed = [{ firebaseIdToken: [] }];

const visemeGroup = z.object({
  arkit: z.record(z.string(), z.number()),
  morphs: z.record(z.string(), z.number()),
  nativeViseme: z.string().nullable(),
});

export function buildOpenApi(version: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Masky avatar backend",
      version,
      description:
        "HeyGen talking videos and photoreal 3D avatars. Every endpoint but the webhook needs `Authorization: Bearer <Firebase ID token>`. Generated from the handlers' zod schemas by functions/devtools/openapi.ts.",
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
          description: "hex HMAC-SHA256 of the raw body",
        },
      },
      schemas: { ErrorBody: json(errorBody) },
    },
    paths: {
      "/api/heygen/generate": {
        post: {
          summary:
            "Create the project's HeyGen video from its photo (or an avatar id) and exactly one voice source: the recorded voice, or a script spoken by a HeyGen voice",
          security: authed,
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  oneOf: [
                    { title: "Recorded voice", ...json(generateRecordedShape) },
                    { title: "Script and HeyGen voice", ...json(generateScriptShape) },
                  ],
                },
              },
            },
          },
          responses: {
            ...ok(
              "The video and the voice it is spoken with (an in-flight video of the project is returned as is)",
              z.object({
                videoId: z.string(),
                fallbackAvatarUsed: z.boolean(),
                voice: voiceUsedSchema,
              }),
            ),
            ...errors(400, 401, 403, 404, 409, 413, 415, 429, 500, 502),
          },
        },
      },
      "/api/heygen/video_status.get": {
        get: {
          summary: "Refresh and return the caller's video",
          security: authed,
          parameters: queryParams(videoStatusQuery),
          responses: {
            ...ok(
              "Normalised status",
              z.object({
                videoId: z.string(),
                projectId: z.string(),
                status: z.enum(["pending", "processing", "completed", "failed", "cancelled"]),
                heygenStatus: z.string(),
                videoUrl: z.string().nullable(),
                videoUrlExpiresAt: z.string().nullable(),
                thumbnailUrl: z.string().nullable(),
                durationSeconds: z.number().nullable(),
                error: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
                fallbackAvatarUsed: z.boolean(),
                archivedVideoUrl: z.string().nullable(),
                archivedVideoUrlExpiresIn: z.number().nullable(),
                archiveState: z.string().nullable(),
              }),
            ),
            ...errors(400, 401, 404, 429, 502),
          },
        },
      },
      "/api/heygen/avatars": {
        get: {
          summary: "HeyGen avatars (cached)",
          security: authed,
          responses: {
            ...ok(
              "Avatars",
              z.object({
                avatars: z.array(
                  z.object({
                    id: z.string(),
                    name: z.string(),
                    type: z.enum(["avatar", "talking_photo"]),
                    previewImageUrl: z.string().nullable(),
                    gender: z.string().nullable(),
                    defaultVoiceId: z.string().nullable().optional(),
                  }),
                ),
              }),
            ),
            ...errors(401, 429, 502),
          },
        },
      },
      "/api/heygen/voices": {
        get: {
          summary: "HeyGen voices (cached), filterable by language and gender",
          security: authed,
          parameters: queryParams(voicesQuery),
          responses: {
            ...ok(
              "Voices",
              z.object({
                voices: z.array(
                  z.object({
                    id: z.string(),
                    name: z.string(),
                    language: z.string().nullable(),
                    gender: z.string().nullable(),
                    previewAudioUrl: z.string().nullable(),
                    supportLocale: z.boolean().optional(),
                  }),
                ),
              }),
            ),
            ...errors(401, 429, 502),
          },
        },
      },
      "/api/heygen/webhook": {
        post: {
          summary: "HeyGen events (avatar_video.success / .fail), signed",
          security: [{ heygenSignature: [] }],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: json(
                  z.object({
                    event_type: z.string(),
                    event_data: z.record(z.string(), z.unknown()),
                  }),
                ),
              },
            },
          },
          responses: {
            ...ok(
              "Acknowledged",
              z.object({
                received: z.literal(true),
                handled: z.boolean(),
                reason: z.string().optional(),
                status: z.string().optional(),
              }),
            ),
            ...errors(400, 401, 502),
          },
        },
        options: {
          summary: "URL validation by HeyGen",
          responses: { "200": { description: "OK" } },
        },
      },
      "/avatar/jobs": {
        post: {
          summary: "Create a photoreal avatar job from a selfie",
          security: authed,
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["file"],
                  properties: {
                    file: {
                      type: "string",
                      format: "binary",
                      description: "JPEG or PNG, at most 10 MB",
                    },
                    options: {
                      type: "string",
                      description: "JSON of the options object",
                      contentMediaType: "application/json",
                      contentSchema: json(jobOptionsSchema),
                    },
                  },
                },
              },
            },
          },
          responses: {
            ...ok("Queued", z.object({ jobId: z.string() }), "202"),
            ...errors(400, 401, 403, 413, 415, 429),
          },
        },
      },
      "/avatar/jobs/{jobId}": {
        get: {
          summary: "The caller's job",
          security: authed,
          parameters: [pathParam("jobId")],
          responses: {
            ...ok(
              "Status",
              z.object({
                status: z.enum(["queued", "processing", "done", "error", "cancelled"]),
                progress: z.number(),
                assetId: z.string().optional(),
                error: z.string().optional(),
                action: z
                  .object({ type: z.string(), url: z.string(), message: z.string() })
                  .optional(),
              }),
            ),
            ...errors(401, 404),
          },
        },
      },
      "/avatar/assets/{assetId}": {
        get: {
          summary: "Signed URL of the caller's GLB with its blendshape and viseme maps",
          security: authed,
          parameters: [pathParam("assetId")],
          responses: {
            ...ok(
              "Asset",
              z.object({
                url: z.string(),
                expiresIn: z.literal(3600),
                blendshapeMap: z.record(z.string(), z.unknown()),
                visemes: z.record(z.string(), visemeGroup),
              }),
            ),
            ...errors(401, 404),
          },
        },
      },
      "/avatar/preferences": {
        post: {
          summary: "Save preferences for one of the caller's assets",
          security: authed,
          requestBody: {
            required: true,
            content: { "application/json": { schema: json(preferencesBody) } },
          },
          responses: {
            ...ok("Saved", z.object({ ok: z.literal(true) })),
            ...errors(400, 401, 404),
          },
        },
        get: {
          summary: "Preferences of one of the caller's assets",
          security: authed,
          parameters: queryParams(preferencesQuery),
          responses: {
            ...ok(
              "Preferences",
              z.object({
                assetId: z.string(),
                appearance: z.record(z.string(), z.unknown()),
                voice: z.record(z.string(), z.unknown()).nullable(),
                persona: z.record(z.string(), z.unknown()),
                updatedAt: z.string().nullable(),
              }),
            ),
            ...errors(400, 401, 404),
          },
        },
      },
      "/api/me": {
        delete: {
          summary:
            "Erase the account: HeyGen, the 3D provider, Storage, Firestore, then the Auth user (durable, resumed by advance_erasures)",
          security: authed,
          responses: {
            ...ok("Erasure accepted", z.object({ erasureId: z.string() }), "202"),
            ...errors(401),
          },
        },
        get: {
          summary: "The caller's account state and consent per purpose under the current policy",
          security: authed,
          responses: {
            ...ok(
              "Account",
              z.object({
                uid: z.string(),
                ageConfirmed: z
                  .boolean()
                  .describe("Age confirmed by a consent record under the current policy"),
                consentSelfie: z.boolean().describe("Deprecated: consent.avatar_3d.granted"),
                hasHeygenFolder: z.boolean(),
                createdAt: z.string().nullable(),
                policyVersion: z.string().describe("The current policy version (to consent to)"),
                minimumAge: z.number().int(),
                consent: consentStateSchema,
              }),
            ),
            ...errors(401),
          },
        },
      },
      "/api/projects/{projectId}": {
        delete: {
          summary:
            "Delete the caller's project with its archived MP4 and its video at HeyGen (v3; v2 reported not deletable)",
          security: authed,
          parameters: [pathParam("projectId")],
          responses: {
            ...ok(
              "What was removed",
              z.object({ projectId: z.string(), removed: removalReportSchema }),
            ),
            ...errors(401, 404),
          },
        },
      },
      "/api/me/erasure": {
        get: {
          summary: "The caller's account erasure, readable until the Auth user is gone",
          security: authed,
          responses: {
            ...ok(
              "Erasure",
              z.object({
                erasureId: z.string(),
                status: z.enum(["pending", "retrying", "done"]),
                requestedAt: z.string(),
                steps: z.record(z.string(), z.string().nullable()),
                attempts: z.number().int(),
                nextAttemptAt: z.string().nullable(),
                lastError: z.string().nullable(),
                counts: z.record(
                  z.string(),
                  z.record(z.string(), z.record(z.string(), z.number())),
                ),
              }),
            ),
            ...errors(401, 404),
          },
        },
      },
      "/api/me/export": {
        get: {
          summary:
            "Everything stored about the caller as one JSON document, with signed URLs (1 h) to their media",
          security: authed,
          responses: {
            ...ok(
              "Export",
              z.object({
                exportedAt: z.string(),
                uid: z.string(),
                account: z.record(z.string(), z.unknown()).nullable(),
                consentLog: z.array(z.record(z.string(), z.unknown())),
                projects: z.array(z.record(z.string(), z.unknown())),
                avatarJobs: z.array(z.record(z.string(), z.unknown())),
                avatarAssets: z.array(z.record(z.string(), z.unknown())),
                preferences: z.array(z.record(z.string(), z.unknown())),
                heygenLooks: z.array(z.record(z.string(), z.unknown())),
                heygenAssets: z.array(z.record(z.string(), z.unknown())),
                counters: z.array(z.record(z.string(), z.unknown())),
                media: z.array(
                  z.object({
                    path: z.string(),
                    contentType: z.string().nullable(),
                    size: z.number(),
                    url: z.string(),
                    expiresIn: z.number(),
                  }),
                ),
              }),
            ),
            ...errors(401),
          },
        },
      },
      "/api/me/consent": {
        post: {
          summary:
            "Record consent to the current policy version for purposes (the server's time, the minimum age confirmed)",
          security: authed,
          requestBody: {
            required: true,
            content: { "application/json": { schema: json(consentBody) } },
          },
          responses: {
            ...ok(
              "Consent per purpose, as GET /api/me shows it",
              z.object({ consent: consentStateSchema }),
            ),
            ...errors(400, 401),
          },
        },
      },
      "/api/me/consent/{purpose}": {
        delete: {
          summary:
            "Withdraw consent for one purpose: its pending work ends cancelled, its inputs are deleted (Storage, HeyGen, the 3D provider)",
          security: authed,
          parameters: [
            {
              name: "purpose",
              in: "path",
              required: true,
              schema: { type: "string", enum: ["heygen_face", "heygen_voice", "avatar_3d"] },
            },
          ],
          responses: {
            ...ok(
              "What was removed, and what could not be (upstream outcome not_deletable or failed)",
              z.object({
                purpose: z.enum(["heygen_face", "heygen_voice", "avatar_3d"]),
                withdrawnAt: z.string(),
                removed: removalReportSchema,
              }),
            ),
            ...errors(400, 401),
          },
        },
      },
    },
  };
}

export const OPENAPI_FILE = path.resolve(__dirname, "..", "..", "openapi.json");

export function renderOpenApi(): string {
  const pkg = JSON.parse(readFileSync(path.resolve(__dirname, "..", "package.json"), "utf8")) as {
    version?: string;
  };
  return JSON.stringify(buildOpenApi(pkg.version ?? "1.0.0"), null, 2) + "\n";
}

if (require.main === module) {
  const fresh = renderOpenApi();
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
