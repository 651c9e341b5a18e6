/**
 * preferences/{assetId}: one document per avatar asset, updated in place (written
 * by the server through the endpoint; read by the owner).
 *
 * `voice.pitch` and `voice.speed` are relative offsets as the seed writes them (0
 * natural, 0.1 = 10 % higher or faster), and the document says so with
 * `voice_units: "relative"`. Documents written before carry no such mark: their speed
 * is a playback rate (1 natural) and their pitch in semitones. Every reader here gets
 * offsets from both, and a talking video gets the rate it needs from either.
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { notFound } from "../errors";

const assetOwnerSchema = z.object({ user_id: z.string() });

export async function requireOwnedAsset(
  db: Firestore,
  assetId: string,
  uid: string,
): Promise<void> {
  const parsed = assetOwnerSchema.safeParse(
    (await db.collection("avatar_assets").doc(assetId).get()).data(),
  );
  if (!parsed.success || parsed.data.user_id !== uid) throw notFound(`Avatar asset ${assetId}`);
}

/** The mark of documents whose pitch and speed are relative offsets. */
export const VOICE_UNITS = "relative";

const round3 = (n: number) => Math.round(n * 1000) / 1000;

const storedVoiceSchema = z
  .object({ pitch: z.number().optional(), speed: z.number().optional() })
  .passthrough();

/** A stored voice with pitch and speed as relative offsets, whatever units it was written in. */
export function voiceAsOffsets(voice: unknown, units: unknown): Record<string, unknown> | null {
  const parsed = storedVoiceSchema.safeParse(voice);
  if (!parsed.success) return null;
  if (units === VOICE_UNITS) return parsed.data;
  const { pitch, speed, ...rest } = parsed.data;
  return {
    ...rest,
    ...(pitch !== undefined ? { pitch: round3(2 ** (pitch / 12) - 1) } : {}),
    ...(speed !== undefined ? { speed: round3(speed - 1) } : {}),
  };
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
      voice_units: VOICE_UNITS,
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
    voice: voiceAsOffsets(d.voice, d.voice_units),
    persona: d.persona ?? {},
    updatedAt: d.updated_at?.toDate().toISOString() ?? null,
  };
}

const voicePreferenceSchema = z.object({
  user_id: z.string(),
  voice: z.object({ language: z.string().optional(), speed: z.number().optional() }).nullish(),
  voice_units: z.string().optional(),
});

export interface VoicePreferences {
  /** The preferences document they come from (`preferences/{assetId}`). */
  assetId: string;
  language: string | null;
  /** A playback rate (1 natural), from the stored offset (or the rate of an older document). */
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
  const { speed } = parsed.data.voice;
  const relative = parsed.data.voice_units === VOICE_UNITS;
  return {
    assetId: doc.id,
    language: parsed.data.voice.language ?? null,
    speed: speed === undefined ? null : relative ? round3(1 + speed) : speed,
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
