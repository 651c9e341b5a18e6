/** Request schemas of the account endpoints (validated at the edge; the OpenAPI source). */
import { z } from "zod";
import { consentPurposeSchema } from "../store/consent";

export const consentBody = z
  .object({
    policyVersion: z.string().min(1).max(100),
    ageConfirmed: z.literal(true),
    purposes: z
      .array(consentPurposeSchema)
      .min(1)
      .max(3)
      .refine((p) => new Set(p).size === p.length, { message: "must not repeat a purpose" }),
  })
  .strict();

export const consentPurposeParams = z.object({ purpose: consentPurposeSchema });

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
