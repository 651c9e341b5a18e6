/**
 * When the poller reads a completed video again to renew its signed URL. HeyGen's
 * URLs expire (`Expires` in the URL); how long they live is HeyGen's choice (days in
 * production, an hour on some mocks). A refresh is scheduled from that real lifetime,
 * not from a fixed margin: no sooner than half the time left (so a short-lived URL is
 * not re-read on every run), and otherwise HEYGEN_URL_REFRESH_MARGIN_MINUTES before it
 * expires. An archived video is never refreshed: the client plays the archived copy.
 * The poller reads only the projects due (`urlRefreshAt <= now`, one indexed field).
 */
import type { Firestore, QueryDocumentSnapshot } from "firebase-admin/firestore";
import type { ProjectDoc, ProjectPage } from "./project-queries";
import { projectsCollection, type Project } from "./projects";
import { parsedDocs } from "./typed";

/** A URL already expired (HeyGen answered an old one) is asked for again after this. */
export const EXPIRED_RETRY_MS = 5 * 60_000;

/**
 * When to read a completed video again: null when its URL does not expire (or there
 * is none) or the video is archived.
 */
export function urlRefreshAt(
  expiresAt: Date | null,
  now: Date,
  opts: { marginMs: number; archived: boolean },
): Date | null {
  if (!expiresAt || opts.archived) return null;
  const left = expiresAt.getTime() - now.getTime();
  const wait = left <= 0 ? EXPIRED_RETRY_MS : Math.max(left / 2, left - opts.marginMs);
  return new Date(now.getTime() + wait);
}

/** Nothing to renew (the video is archived, or no longer completed): it is not read again. */
export async function clearUrlRefresh(db: Firestore, projectId: string): Promise<void> {
  await projectsCollection(db)
    .doc(projectId)
    .update({ urlRefreshAt: null })
    .catch(() => undefined); // the project may be gone
}

/** Completed videos whose refresh is due, the longest due first. */
export async function dueUrlRefreshes(
  db: Firestore,
  now: Date,
  limit: number,
  after: QueryDocumentSnapshot<Project> | null,
): Promise<ProjectPage> {
  const q = projectsCollection(db).where("urlRefreshAt", "<=", now).orderBy("urlRefreshAt");
  const snap = await (after ? q.startAfter(after) : q).limit(limit).get();
  const items: ProjectDoc[] = parsedDocs(snap).map(({ doc, data }) => ({
    id: doc.id,
    project: data,
    updateTime: doc.updateTime,
  }));
  return { items, next: snap.size < limit ? null : snap.docs[snap.docs.length - 1] };
}
