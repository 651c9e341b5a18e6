/**
 * preferences/{assetId}: one document per avatar asset, updated in place (written by the
 * server through the endpoint; read by the owner). The user's latest document also
 * carries the voice settings a talking video uses and the body type of a new 3D avatar.
 *
 * `voice.pitch` and `voice.speed` are relative offsets as the seed writes them (0
 * natural, 0.1 = 10 % higher or faster), and the document says so with
 * `voice_units: "relative"`. Documents written before carry no such mark: their speed
 * is a playback rate (1 natural) and their pitch in semitones. Every reader here gets
 * offsets from both, and a talking video gets the rate it needs from either.
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { ownedOrNotFound } from "./ownership";
import { getOwnedAsset } from "./avatar-assets";
import { at, timestampSchema } from "./job-shape";
import { parsedDocs, zodConverter } from "./typed";

const record = z.record(z.string(), z.unknown());

/** preferences/{assetId}; the endpoint validates the three parts (the operation's body schema). */
export const preferencesDocSchema = z.object({
  user_id: z.string(),
  asset_id: z.string(),
  appearance: record.default({}),
  voice: record.nullish(),
  /** `relative` when pitch and speed are offsets (see the file's comment). */
  voice_units: z.string().optional(),
  persona: record.default({}),
  created_at: timestampSchema.nullish(),
  updated_at: timestampSchema,
});
export type PreferencesDoc = z.infer<typeof preferencesDocSchema>;

const preferences = (db: Firestore) =>
  db.collection("preferences").withConverter(zodConverter(preferencesDocSchema));

/** 404 unless the asset is the caller's (preferences are kept per asset). */
export async function requireOwnedAsset(
  db: Firestore,
  assetId: string,
  uid: string,
): Promise<void> {
  await getOwnedAsset(db, assetId, uid);
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

/** The document, or undefined when there is none (or it is not of this shape). */
async function readPreferences(db: Firestore, assetId: string) {
  try {
    return (await preferences(db).doc(assetId).get()).data();
  } catch {
    return undefined;
  }
}

export async function upsertPreferences(
  db: Firestore,
  uid: string,
  assetId: string,
  prefs: { appearance: unknown; voice: unknown; persona: unknown },
  now: Date,
): Promise<void> {
  const ref = preferences(db).doc(assetId);
  await db.runTransaction(async (tx) => {
    let stored: PreferencesDoc | undefined;
    try {
      stored = (await tx.get(ref)).data();
    } catch {
      stored = undefined; // not of this shape: written anew
    }
    tx.set(ref, {
      user_id: uid,
      asset_id: assetId,
      appearance: record.parse(prefs.appearance ?? {}),
      voice: record.nullish().parse(prefs.voice) ?? null,
      voice_units: VOICE_UNITS,
      persona: record.parse(prefs.persona ?? {}),
      created_at: stored?.created_at ?? at(now),
      updated_at: at(now),
    });
  });
}

export async function getPreferences(db: Firestore, uid: string, assetId: string) {
  const p = ownedOrNotFound(
    await readPreferences(db, assetId),
    (prefs) => prefs.user_id,
    uid,
    `Preferences of asset ${assetId}`,
  );
  return {
    assetId,
    appearance: p.appearance,
    voice: voiceAsOffsets(p.voice, p.voice_units),
    persona: p.persona,
    updatedAt: p.updated_at.toDate().toISOString(),
  };
}

/** The user's most recently updated preferences document, or null. */
async function latestPreferences(
  db: Firestore,
  uid: string,
): Promise<{ id: string; prefs: PreferencesDoc } | null> {
  const snap = await preferences(db)
    .where("user_id", "==", uid)
    .orderBy("updated_at", "desc")
    .limit(1)
    .get();
  const [latest] = parsedDocs(snap);
  return latest ? { id: latest.doc.id, prefs: latest.data } : null;
}

const voicePreferenceSchema = z.object({
  language: z.string().optional(),
  speed: z.number().optional(),
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
  const latest = await latestPreferences(db, uid);
  const voice = voicePreferenceSchema.safeParse(latest?.prefs.voice);
  if (!latest || !latest.prefs.voice || !voice.success) return null;
  const { speed } = voice.data;
  const relative = latest.prefs.voice_units === VOICE_UNITS;
  return {
    assetId: latest.id,
    language: voice.data.language ?? null,
    speed: speed === undefined ? null : relative ? round3(1 + speed) : speed,
  };
}

const bodyTypeSchema = z.enum(["female", "male"]);

/** The body type of the user's most recently updated preferences, null when none says. */
export async function latestBodyTypePreference(
  db: Firestore,
  uid: string,
): Promise<"female" | "male" | null> {
  const latest = await latestPreferences(db, uid);
  const bodyType = bodyTypeSchema.safeParse(latest?.prefs.appearance.bodyType);
  return bodyType.success ? bodyType.data : null;
}
