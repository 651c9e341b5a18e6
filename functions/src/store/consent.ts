/**
 * Consent as the server records it, in `users/{uid}.consent.{purpose}` (current state)
 * and `users/{uid}/consent_log/{id}` (append-only: every grant and withdrawal). Both
 * are written only through the Admin SDK; the rules forbid any client write.
 *
 * The seed's `users` fields `age_confirmed` and `consent_selfie` are mirrored on
 * `users/{uid}` from these records, by the same transactions, so that a reader of the
 * seed finds them: `age_confirmed` is true from the first grant (every grant confirms
 * the minimum age), `consent_selfie` follows the `avatar_3d` consent (true when granted,
 * false when withdrawn). They are server-written like the rest (the rules refuse any
 * client write) and nothing decides on them: the guard reads the records above.
 */
import {
  Timestamp,
  type DocumentReference,
  type Firestore,
  type Transaction,
} from "firebase-admin/firestore";
import { z } from "zod";
import { userRef } from "./users";

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

const ts = z.custom<Timestamp>((v) => typeof (v as Timestamp)?.toDate === "function");

/** One purpose's stored record. */
export const consentRecordSchema = z.object({
  policyVersion: z.string(),
  grantedAt: ts,
  /** The minimum age the user confirmed being at least, when they consented. */
  minimumAgeConfirmed: z.number().int(),
  withdrawnAt: ts.nullish(),
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

export async function getConsentRecords(db: Firestore, uid: string): Promise<ConsentRecords> {
  return parseConsentRecords((await userRef(db, uid).get()).data());
}

/** The same read inside a transaction (trigger claims check consent atomically). */
export async function getConsentRecordsIn(
  tx: Transaction,
  db: Firestore,
  uid: string,
): Promise<ConsentRecords> {
  return parseConsentRecords((await tx.get(userRef(db, uid))).data());
}

/** users/{uid}/consent_log/{id}: one grant or withdrawal, append only. */
export const consentLogEntrySchema = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("grant"),
    uid: z.string(),
    purposes: z.array(consentPurposeSchema),
    policyVersion: z.string(),
    minimumAgeConfirmed: z.number().int(),
    at: ts,
  }),
  z.object({
    action: z.literal("withdraw"),
    uid: z.string(),
    purposes: z.array(consentPurposeSchema),
    at: ts,
    /** What the withdrawal removed, per system (services/privacy/removal-report.ts). */
    removed: z.record(z.string(), z.unknown()),
  }),
]);
type StoredEntry = z.infer<typeof consentLogEntrySchema>;
type Written<E> = Omit<E, "at"> & { at: Date };
/** An entry as it is written (its time a Date). */
export type ConsentLogEntry =
  | Written<Extract<StoredEntry, { action: "grant" }>>
  | Written<Extract<StoredEntry, { action: "withdraw" }>>;

const consentLog = (db: Firestore, uid: string) => userRef(db, uid).collection("consent_log");

/** The seed's `users` fields, mirrored from the consent records (server-written). */
export interface SeedUserMirror {
  age_confirmed: boolean;
  consent_selfie: boolean;
}

/** Writes the grant of `purposes` (and its log entry) in one transaction. */
export async function writeGrant(
  db: Firestore,
  uid: string,
  purposes: ConsentPurpose[],
  policy: ConsentPolicy,
  at: Date,
): Promise<ConsentRecords> {
  const ref: DocumentReference = userRef(db, uid);
  return db.runTransaction(async (tx) => {
    const current = parseConsentRecords((await tx.get(ref)).data());
    const consent: Record<string, unknown> = {};
    const written: ConsentRecords = { ...current };
    for (const purpose of purposes) {
      consent[purpose] = {
        policyVersion: policy.policyVersion,
        grantedAt: at,
        minimumAgeConfirmed: policy.minimumAge,
        withdrawnAt: null,
      };
      written[purpose] = {
        policyVersion: policy.policyVersion,
        grantedAt: Timestamp.fromDate(at),
        minimumAgeConfirmed: policy.minimumAge,
        withdrawnAt: null,
      };
    }
    tx.set(
      ref,
      {
        consent,
        age_confirmed: true,
        consent_selfie: isGranted(written.avatar_3d, policy),
      } satisfies SeedUserMirror & { consent: unknown },
      { merge: true },
    );
    const entry: ConsentLogEntry = {
      action: "grant",
      uid,
      purposes,
      policyVersion: policy.policyVersion,
      minimumAgeConfirmed: policy.minimumAge,
      at,
    };
    tx.create(consentLog(db, uid).doc(), entry);
    return written;
  });
}

/**
 * Marks one purpose withdrawn (the server's time). A purpose never granted has no
 * record to mark; the withdrawal is still logged and its inputs still removed.
 */
export async function writeWithdrawal(
  db: Firestore,
  uid: string,
  purpose: ConsentPurpose,
  at: Date,
): Promise<void> {
  const ref = userRef(db, uid);
  await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const update: Record<string, unknown> = {};
    if (parseConsentRecords(snap.data())[purpose]) update[`consent.${purpose}.withdrawnAt`] = at;
    // The seed's mirror: no selfie consent any more (a user document is never created here).
    if (purpose === "avatar_3d" && snap.exists) update.consent_selfie = false;
    if (Object.keys(update).length > 0) tx.update(ref, update);
  });
}

export async function appendConsentLog(
  db: Firestore,
  uid: string,
  entry: ConsentLogEntry,
): Promise<void> {
  await consentLog(db, uid).add(entry);
}
