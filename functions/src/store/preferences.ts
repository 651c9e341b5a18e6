/**
 * preferences/{assetId}: one document per avatar asset, updated in place (written
 * by the server through the endpoint; read by the owner).
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { notFound } from "../errors";
import { getOwnedAsset } from "./avatar-assets";

/** 404 unless the asset is the caller's (preferences are kept per asset). */
export async function requireOwnedAsset(
  db: Firestore,
  assetId: string,
  uid: string,
): Promise<void> {
  await getOwnedAsset(db, assetId, uid);
}

export async function upsertPreferences(
  db: Firestore,
  uid: string,
  assetId: string,
  prefs: { appearance: unknown; voice: unknown; persona: unknown },
  now: Date,
): Promise<void> {
  const ref = db.collection("preferences").doc(assetId);
  await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    tx.set(ref, {
      user_id: uid,
      asset_id: assetId,
      ...prefs,
      created_at: snap.exists ? snap.get("created_at") : now,
      updated_at: now,
    });
  });
}

export async function getPreferences(db: Firestore, uid: string, assetId: string) {
  const snap = await db.collection("preferences").doc(assetId).get();
  if (!snap.exists || snap.get("user_id") !== uid)
    throw notFound(`Preferences of asset ${assetId}`);
  const d = snap.data() ?? {};
  return {
    assetId,
    appearance: d.appearance ?? {},
    voice: d.voice ?? null,
    persona: d.persona ?? {},
    updatedAt: d.updated_at?.toDate().toISOString() ?? null,
  };
}

const voicePreferenceSchema = z.object({
  user_id: z.string(),
  voice: z.object({ language: z.string().optional(), speed: z.number().optional() }).nullish(),
});

export interface VoicePreferences {
  /** The preferences document they come from (`preferences/{assetId}`). */
  assetId: string;
  language: string | null;
  speed: number | null;
}

/**
 * The voice preferences that count for a talking video. Preferences are kept per avatar
 * asset; a video has no asset, so the user's most recently updated preferences document
 * is the one that counts (the latest choice the user made). Null when there is none.
 */
export async function latestVoicePreferences(
  db: Firestore,
  uid: string,
): Promise<VoicePreferences | null> {
  const snap = await db
    .collection("preferences")
    .where("user_id", "==", uid)
    .orderBy("updated_at", "desc")
    .limit(1)
    .get();
  const doc = snap.docs[0];
  const parsed = voicePreferenceSchema.safeParse(doc?.data());
  if (!doc || !parsed.success || !parsed.data.voice) return null;
  return {
    assetId: doc.id,
    language: parsed.data.voice.language ?? null,
    speed: parsed.data.voice.speed ?? null,
  };
}

const bodyTypePreferenceSchema = z.object({
  appearance: z
    .object({ bodyType: z.enum(["female", "male"]).optional() })
    .passthrough()
    .nullish(),
});

/** The body type of the user's most recently updated preferences, null when none says. */
export async function latestBodyTypePreference(
  db: Firestore,
  uid: string,
): Promise<"female" | "male" | null> {
  const snap = await db
    .collection("preferences")
    .where("user_id", "==", uid)
    .orderBy("updated_at", "desc")
    .limit(1)
    .get();
  const parsed = bodyTypePreferenceSchema.safeParse(snap.docs[0]?.data());
  return (parsed.success && parsed.data.appearance?.bodyType) || null;
}
