/**
 * The queries over projects the flows and the background work need (each with its
 * composite index in firestore.indexes.json where it needs one), and the deletes.
 * Every document comes back parsed through the projects' converter.
 */
import type { Firestore, Query, QueryDocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { projectRef, projectsCollection, type Project } from "./projects";
import { parsedDocs } from "./typed";
import { deleteAllPages, readAllPages } from "./paged-read";

export interface ProjectDoc {
  id: string;
  project: Project;
  /** When the document was last written. */
  updateTime: Timestamp;
}

export interface ProjectPage {
  items: ProjectDoc[];
  /** Where the next page starts; null on the last page. */
  next: QueryDocumentSnapshot<Project> | null;
}

async function page(
  q: Query<Project>,
  limit: number,
  after: QueryDocumentSnapshot<Project> | null,
): Promise<ProjectPage> {
  const snap = await (after ? q.startAfter(after) : q).limit(limit).get();
  const items = parsedDocs(snap).map(({ doc, data }) => ({
    id: doc.id,
    project: data,
    updateTime: doc.updateTime,
  }));
  return { items, next: snap.size < limit ? null : snap.docs[snap.docs.length - 1] };
}

/** The user's projects. */
export async function projectsOfUser(db: Firestore, uid: string): Promise<ProjectDoc[]> {
  const snap = await readAllPages(projectsCollection(db).where("userId", "==", uid));
  return parsedDocs(snap).map(({ doc, data }) => ({
    id: doc.id,
    project: data,
    updateTime: doc.updateTime,
  }));
}

/** The projects following this HeyGen video (one, unless ids were reused). */
export async function projectsOfVideo(db: Firestore, videoId: string): Promise<ProjectDoc[]> {
  const snap = await projectsCollection(db).where("heygenVideoId", "==", videoId).limit(10).get();
  return parsedDocs(snap).map(({ doc, data }) => ({
    id: doc.id,
    project: data,
    updateTime: doc.updateTime,
  }));
}

/** Unfinished videos (pending or processing), the least recently written first. */
export const unfinishedVideos = (
  db: Firestore,
  limit: number,
  after: QueryDocumentSnapshot<Project> | null,
): Promise<ProjectPage> =>
  page(
    projectsCollection(db)
      .where("video.state", "in", ["pending", "processing"])
      .orderBy("updatedAt"),
    limit,
    after,
  );

/** Archivals that are due (queued, to retry, or a dead run's lease ended), the oldest first. */
export const dueArchives = (
  db: Firestore,
  now: Date,
  limit: number,
  after: QueryDocumentSnapshot<Project> | null,
): Promise<ProjectPage> =>
  page(
    projectsCollection(db)
      .where("archive.state", "in", ["pending", "failed", "running"])
      .where("archive.nextAttemptAt", "<=", now)
      .orderBy("archive.nextAttemptAt"),
    limit,
    after,
  );

/** Deferred generates nobody runs (their next attempt is due), oldest first. */
export async function stalledDeferredIds(
  db: Firestore,
  now: Date,
  limit: number,
): Promise<string[]> {
  const snap = await projectsCollection(db)
    .where("generation.nextAttemptAt", "<=", now)
    .orderBy("generation.nextAttemptAt")
    .limit(limit)
    .get();
  return snap.docs.map((d) => d.id);
}

/** Archived copies whose retention ended: `{id, path, captionsPath}` of projects in state done. */
export async function expiredArchives(
  db: Firestore,
  now: Date,
  limit: number,
): Promise<{ id: string; userId: string; path: string; captionsPath: string | null }[]> {
  const snap = await projectsCollection(db)
    .where("archive.retainUntil", "<=", now)
    .limit(limit)
    .get();
  return parsedDocs(snap).flatMap(({ doc, data }) =>
    data.archive?.state === "done" && data.archivedVideoPath
      ? [
          {
            id: doc.id,
            userId: data.userId,
            path: data.archivedVideoPath,
            captionsPath: data.captions?.path ?? null,
          },
        ]
      : [],
  );
}

/** Records that the project's video was deleted at HeyGen (or is not deletable there). */
export async function markVideoDeleted(db: Firestore, id: string, now: Date): Promise<void> {
  await projectRef(db, id)
    .update({ heygenVideoDeletedAt: now })
    .catch(() => undefined); // the project may be gone already
}

export async function deleteProjectDoc(db: Firestore, id: string): Promise<string> {
  const ref = projectRef(db, id);
  await ref.delete();
  return ref.path;
}

/** Deletes the user's projects; returns their paths. */
export async function deleteProjectsOfUser(db: Firestore, uid: string): Promise<string[]> {
  return deleteAllPages(projectsCollection(db).where("userId", "==", uid));
}
