/**
 * users/{uid}/speech_timelines/{sha256}: the index of the speech timelines computed for
 * the user, one per audio content (the sha256 of the audio's bytes), so the same audio
 * is never analysed twice for them. The timeline itself is JSON in Storage next to the
 * audio it was computed from (`timelinePath`); this document says where, and what the
 * analysis cost. Written by the server only (the rules refuse any client access to
 * users/{uid} subcollections); deleted with the JSON.
 */
import type { Firestore } from "firebase-admin/firestore";
import { z } from "zod";
import { at, timestampSchema } from "./job-shape";
import { parsedDocs, zodConverter } from "./typed";
import { userRef } from "./users";

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** users/{uid}/speech_timelines/{sha256}. */
export const speechTimelineIndexSchema = z.object({
  sha256: z.string().regex(SHA256_HEX),
  /** The Storage object the timeline was computed from (it may be deleted since). */
  audioPath: z.string(),
  /** The timeline JSON in Storage. */
  timelinePath: z.string(),
  durationSeconds: z.number().nonnegative(),
  /** Server time of the analysis (decode + analysis + timeline), milliseconds. */
  computeMs: z.number().nonnegative(),
  createdAt: timestampSchema.nullish(),
});
export type SpeechTimelineIndex = z.infer<typeof speechTimelineIndexSchema>;

const timelines = (db: Firestore, uid: string) =>
  userRef(db, uid)
    .collection("speech_timelines")
    .withConverter(zodConverter(speechTimelineIndexSchema));

/** The user's timeline of this audio content, if one was computed (null for an id that is not a sha256). */
export async function getTimelineIndex(
  db: Firestore,
  uid: string,
  sha256: string,
): Promise<SpeechTimelineIndex | null> {
  if (!SHA256_HEX.test(sha256)) return null;
  const snap = await timelines(db, uid).doc(sha256).get();
  return snap.exists ? (snap.data() ?? null) : null;
}

export async function putTimelineIndex(
  db: Firestore,
  uid: string,
  entry: Omit<SpeechTimelineIndex, "createdAt">,
  now: Date,
): Promise<void> {
  await timelines(db, uid)
    .doc(entry.sha256)
    .set({ ...entry, createdAt: at(now) });
}

export async function listTimelineIndexes(
  db: Firestore,
  uid: string,
): Promise<SpeechTimelineIndex[]> {
  return parsedDocs(await timelines(db, uid).get()).map(({ data }) => data);
}

/** Forgets the timelines stored at these Storage paths; returns the deleted document paths. */
export async function forgetTimelinesAt(
  db: Firestore,
  uid: string,
  timelinePaths: readonly string[],
): Promise<string[]> {
  if (timelinePaths.length === 0) return [];
  const wanted = new Set(timelinePaths);
  const deleted: string[] = [];
  for (const { doc, data } of parsedDocs(await timelines(db, uid).get())) {
    if (!wanted.has(data.timelinePath)) continue;
    await doc.ref.delete();
    deleted.push(doc.ref.path);
  }
  return deleted;
}

/** Forgets one timeline by its id (the audio's sha256); returns the document path. */
export async function forgetTimeline(db: Firestore, uid: string, sha256: string): Promise<string> {
  const ref = timelines(db, uid).doc(sha256);
  await ref.delete();
  return ref.path;
}
