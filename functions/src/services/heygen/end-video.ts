/**
 * Ends a video that will never finish (deadline passed, deleted at HeyGen, key no
 * longer allowed to read it): `heygenStatus: "failed"` with an error the user can act
 * on, in a transaction, only while the project still points at that video and it is
 * not terminal yet (a newer generate, or a result that arrived meanwhile, wins).
 */
import type { Firestore } from "firebase-admin/firestore";
import { projectRef, projectSchema } from "../../store/projects";

const TERMINAL = ["completed", "failed"];

export type VideoEndCode = "RENDER_DEADLINE" | "VIDEO_NOT_FOUND" | "VIDEO_ACCESS_DENIED";

export async function failVideo(
  db: Firestore,
  projectId: string,
  videoId: string,
  error: { code: VideoEndCode; message: string },
  now: Date,
): Promise<boolean> {
  const ref = projectRef(db, projectId);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const current = projectSchema.safeParse(snap.data());
    if (!snap.exists || !current.success) return false;
    if (current.data.heygenVideoId !== videoId) return false;
    if (TERMINAL.includes(current.data.heygenStatus ?? "")) return false;
    tx.update(ref, { heygenStatus: "failed", error, updatedAt: now });
    return true;
  });
}

export const notFoundMessage = (videoId: string): string =>
  `HeyGen no longer knows video ${videoId} (deleted or never created); generate it again.`;
