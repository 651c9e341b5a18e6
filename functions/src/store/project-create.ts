/**
 * A project created by the server (`create_project`), within the user's cap: the rules
 * refuse client creates, so the number of projects (which export, erasure, the purge
 * and the listings read) has a bound. Creates of one user run under that user's lock,
 * so two at once cannot both take the last place.
 */
import type { Firestore } from "firebase-admin/firestore";
import { withUserLock } from "./locks";
import { projectsCollection } from "./projects";

export interface NewProject {
  name: string;
  voiceUrl?: string;
  avatarUrl?: string;
}

export type CreateOutcome = { created: true; projectId: string } | { created: false; has: number };

export async function createProjectWithinCap(
  db: Firestore,
  uid: string,
  fields: NewProject,
  cap: number,
): Promise<CreateOutcome> {
  return withUserLock(db, uid, "project-create", async (lease) => {
    const mine = projectsCollection(db).where("userId", "==", uid);
    const has = (await mine.count().get()).data().count;
    if (has >= cap) return { created: false, has };
    const ref = projectsCollection(db).doc();
    const doc = { userId: uid, ...fields };
    await lease.commit((tx) => tx.create(ref, doc));
    return { created: true, projectId: ref.id };
  });
}
