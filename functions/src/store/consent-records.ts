/**
 * What the server's consent records say, decided without Firestore: the records as
 * stored in `users/{uid}.consent.{purpose}` (read leniently), whether a purpose is
 * granted (current policy version, the minimum age confirmed, not withdrawn), what a
 * grant or a withdrawal writes, and the seed's mirrored `users` fields. The transactions
 * that read and write them are in consent.ts.
 */
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

/**
 * `speech_timeline`: a recording the user makes only so the backend computes its speech
 * timeline (the 3D avatar speaking with their voice). It is analysed in our functions,
 * never sent to a third party, and deleted once its timeline exists unless a video needs it.
 */
export const CONSENT_PURPOSES = [
  "heygen_face",
  "heygen_voice",
  "avatar_3d",
  "speech_timeline",
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const consentPurposeSchema = z.enum(CONSENT_PURPOSES);

/** A stored Firestore timestamp (consent records and log entries). */
export const consentTimestampSchema = z.custom<Timestamp>(
  (v) => typeof (v as Timestamp)?.toDate === "function",
);

/** One purpose's stored record. */
export const consentRecordSchema = z.object({
  policyVersion: z.string(),
  grantedAt: consentTimestampSchema,
  /** The minimum age the user confirmed being at least, when they consented. */
  minimumAgeConfirmed: z.number().int(),
  withdrawnAt: consentTimestampSchema.nullish(),
});
export type ConsentRecord = z.infer<typeof consentRecordSchema>;

export type ConsentRecords = Partial<Record<ConsentPurpose, ConsentRecord>>;

/** What the API shows per purpose (GET /api/me, POST /api/me/consent). */
export interface ConsentView {
  granted: boolean;
  policyVersion: string | null;
  grantedAt: string | null;
}
export type ConsentState = Record<ConsentPurpose, ConsentView>;

export interface ConsentPolicy {
  policyVersion: string;
  minimumAge: number;
}

/** Reads the records leniently: a malformed purpose counts as not recorded. */
export function parseConsentRecords(data: unknown): ConsentRecords {
  const out: ConsentRecords = {};
  const raw = (data as { consent?: unknown } | undefined)?.consent;
  if (!raw || typeof raw !== "object") return out;
  for (const purpose of CONSENT_PURPOSES) {
    const parsed = consentRecordSchema.safeParse((raw as Record<string, unknown>)[purpose]);
    if (parsed.success) out[purpose] = parsed.data;
  }
  return out;
}

/** Granted = recorded under the current policy version, age confirmed, not withdrawn. */
export function isGranted(record: ConsentRecord | undefined, policy: ConsentPolicy): boolean {
  return (
    record !== undefined &&
    record.policyVersion === policy.policyVersion &&
    record.minimumAgeConfirmed >= policy.minimumAge &&
    !record.withdrawnAt
  );
}

export function consentState(records: ConsentRecords, policy: ConsentPolicy): ConsentState {
  const view = (purpose: ConsentPurpose): ConsentView => {
    const r = records[purpose];
    return {
      granted: isGranted(r, policy),
      policyVersion: r?.policyVersion ?? null,
      grantedAt: r?.grantedAt.toDate().toISOString() ?? null,
    };
  };
  return {
    heygen_face: view("heygen_face"),
    heygen_voice: view("heygen_voice"),
    avatar_3d: view("avatar_3d"),
    speech_timeline: view("speech_timeline"),
  };
}

/** The seed's `users` fields, mirrored from the consent records (server-written). */
export interface SeedUserMirror {
  age_confirmed: boolean;
  consent_selfie: boolean;
}

/**
 * A grant of `purposes` over the `current` records: the `consent` fields to merge into
 * the user document (each purpose recorded afresh under the policy, not withdrawn), the
 * records after it, and the seed's mirror (every grant confirms the minimum age;
 * `consent_selfie` follows `avatar_3d`).
 */
export function grantDecision(
  current: ConsentRecords,
  purposes: readonly ConsentPurpose[],
  policy: ConsentPolicy,
  at: Date,
): { consent: Record<string, unknown>; written: ConsentRecords; mirror: SeedUserMirror } {
  const consent: Record<string, unknown> = {};
  const written: ConsentRecords = { ...current };
  for (const purpose of purposes) {
    const record = {
      policyVersion: policy.policyVersion,
      minimumAgeConfirmed: policy.minimumAge,
      withdrawnAt: null,
    };
    consent[purpose] = { ...record, grantedAt: at };
    written[purpose] = { ...record, grantedAt: Timestamp.fromDate(at) };
  }
  return {
    consent,
    written,
    mirror: { age_confirmed: true, consent_selfie: isGranted(written.avatar_3d, policy) },
  };
}

/**
 * The update a withdrawal of `purpose` makes to the user document as read (`data`, and
 * whether it exists), or null when there is nothing to write: the record, when there is
 * one, is marked withdrawn at `at`; withdrawing `avatar_3d` clears the seed's
 * `consent_selfie` (a user document is never created by a withdrawal).
 */
export function withdrawalUpdate(
  data: unknown,
  exists: boolean,
  purpose: ConsentPurpose,
  at: Date,
): Record<string, unknown> | null {
  const update: Record<string, unknown> = {};
  if (parseConsentRecords(data)[purpose]) update[`consent.${purpose}.withdrawnAt`] = at;
  if (purpose === "avatar_3d" && exists) update.consent_selfie = false;
  return Object.keys(update).length > 0 ? update : null;
}
