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
 * client write) and nothing decides on them: the guard reads the records above. What the
 * records mean and what a grant or withdrawal writes is decided in consent-records.ts.
 */
import type { DocumentReference, Firestore, Transaction } from "firebase-admin/firestore";
import { z } from "zod";
import {
  consentPurposeSchema,
  consentTimestampSchema as ts,
  grantDecision,
  parseConsentRecords,
  withdrawalUpdate,
  type ConsentPolicy,
  type ConsentPurpose,
  type ConsentRecords,
  type SeedUserMirror,
} from "./consent-records";
import { bornAt, userRef } from "./users";

export * from "./consent-records";

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
    const snap = await tx.get(ref);
    const current = parseConsentRecords(snap.data());
    const { consent, written, mirror } = grantDecision(current, purposes, policy, at);
    // The first grant creates the account, with its created_at.
    tx.set(
      ref,
      { consent, ...mirror, ...bornAt(snap, at) } satisfies SeedUserMirror & { consent: unknown },
      {
        merge: true,
      },
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
    const update = withdrawalUpdate(snap.data(), snap.exists, purpose, at);
    if (update) tx.update(ref, update);
  });
}

export async function appendConsentLog(
  db: Firestore,
  uid: string,
  entry: ConsentLogEntry,
): Promise<void> {
  await consentLog(db, uid).add(entry);
}
