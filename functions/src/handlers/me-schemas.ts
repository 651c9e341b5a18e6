/** Request and response schemas of the account endpoints (the OpenAPI source). */
import { z } from "zod";
import { CONSENT_PURPOSES, consentPurposeSchema } from "../store/consent";

export const consentBody = z
  .object({
    policyVersion: z.string().min(1).max(100),
    ageConfirmed: z.literal(true),
    purposes: z
      .array(consentPurposeSchema)
      .min(1)
      .max(CONSENT_PURPOSES.length)
      .refine((p) => new Set(p).size === p.length, { message: "must not repeat a purpose" }),
  })
  .strict();

export const consentPurposeParams = z.object({ purpose: consentPurposeSchema }).strict();

const consentView = z.object({
  granted: z.boolean(),
  policyVersion: z.string().nullable(),
  grantedAt: z.string().nullable(),
});

/** The response shape of `consent` (GET /api/me and POST /api/me/consent). */
export const consentStateSchema = z.object({
  heygen_face: consentView,
  heygen_voice: consentView,
  avatar_3d: consentView,
  speech_timeline: consentView,
});

const upstreamRemoval = z.object({
  system: z.enum(["heygen", "avatar-sdk", "in3d", "didimo"]),
  kind: z.enum(["video", "asset", "look", "group", "folder", "avatar"]),
  id: z.string(),
  outcome: z.enum(["deleted", "not_deletable", "failed"]),
  reason: z.string().optional(),
});

/** What a withdrawal removed (the response shape of DELETE /api/me/consent/{purpose}). */
export const removalReportSchema = z.object({
  cancelled: z.object({ avatarJobs: z.array(z.string()), videos: z.array(z.string()) }),
  storage: z.array(z.string()).describe("Storage objects deleted"),
  firestore: z.array(z.string()).describe("Firestore documents deleted"),
  upstream: z.array(upstreamRemoval),
});

// --- Responses (checked by the router before they are sent; the OpenAPI source) ----

/** 200 of GET /api/me. */
export const accountResponse = z.object({
  uid: z.string(),
  ageConfirmed: z.boolean().describe("Age confirmed by a consent record under the current policy"),
  consentSelfie: z.boolean().describe("Deprecated: consent.avatar_3d.granted"),
  hasHeygenFolder: z.boolean(),
  createdAt: z.string().nullable(),
  policyVersion: z.string().describe("The current policy version (to consent to)"),
  minimumAge: z.number().int(),
  consent: consentStateSchema,
});

/** 200 of POST /api/me/consent: consent per purpose, as GET /api/me shows it. */
export const consentResponse = z.object({ consent: consentStateSchema });

/** 200 of DELETE /api/me/consent/{purpose}. */
export const withdrawalResponse = z.object({
  purpose: consentPurposeSchema,
  withdrawnAt: z.string(),
  removed: removalReportSchema,
});

/** 202 of DELETE /api/me. */
export const erasureAcceptedResponse = z.object({ erasureId: z.string() });

/** 200 of GET /api/me/erasure. */
export const erasureResponse = z.object({
  erasureId: z.string(),
  status: z.enum(["pending", "retrying", "done"]),
  requestedAt: z.string(),
  steps: z.record(z.string(), z.string().nullable()),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  counts: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number()))),
});

const record = z.record(z.string(), z.unknown());

/** 200 of GET /api/me/export. */
export const exportResponse = z.object({
  exportedAt: z.string(),
  uid: z.string(),
  account: record.nullable(),
  consentLog: z.array(record),
  projects: z.array(record),
  avatarJobs: z.array(record),
  avatarAssets: z.array(record),
  preferences: z.array(record),
  heygenLooks: z.array(record),
  heygenAssets: z.array(record),
  counters: z.array(record),
  speechTimelines: z
    .array(record)
    .describe("The index of the caller's speech timelines (the JSON is under media)"),
  media: z.array(
    z.object({
      path: z.string(),
      contentType: z.string().nullable(),
      size: z.number(),
      url: z.string(),
      expiresIn: z.number(),
    }),
  ),
});
