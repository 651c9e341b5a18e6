/**
 * Per-user reads page: a user with more documents than one page is exported and erased
 * completely, and no read of a user's collection asks for more than a page at once.
 * The reads are observed at the Admin SDK's query (its `limit`), the one place every
 * store query goes through.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Query } from "firebase-admin/firestore";
import { deleteUserDocuments, userDocuments } from "../../src/store/user-data";
import { projectsOfUser } from "../../src/store/project-queries";
import { USER_READ_PAGE_SIZE } from "../../src/store/paged-read";
import { db } from "../helpers/admin";
import { useStack } from "../helpers/use-stack";

interface ObservedQuery {
  collection: string;
  limit: number | undefined;
}

/** Records the collection and limit of every query run while `fn` runs. */
async function observeQueries<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; seen: ObservedQuery[] }> {
  const seen: ObservedQuery[] = [];
  const original = Query.prototype.get;
  Query.prototype.get = function (this: Query) {
    const opts = (this as unknown as { _queryOptions: { collectionId: string; limit?: number } })
      ._queryOptions;
    seen.push({ collection: opts.collectionId, limit: opts.limit });
    return original.call(this);
  } as typeof original;
  try {
    return { result: await fn(), seen };
  } finally {
    Query.prototype.get = original;
  }
}

describe("per-user reads a page at a time", function () {
  this.timeout(60000);
  useStack({ fresh: { firestore: true } });

  it("exports and erases a user with more projects and jobs than one page, reading pages only", async () => {
    const uid = `pg-${randomUUID().slice(0, 6)}`;
    const n = USER_READ_PAGE_SIZE + 30;
    const batch = db().batch();
    for (let i = 0; i < n; i++) {
      batch.set(db().collection("projects").doc(), { userId: uid, name: `p${i}` });
      batch.set(db().collection("avatar_jobs").doc(), { user_id: uid, status: "queued" });
    }
    batch.set(db().collection("projects").doc(), { userId: "someone-else", name: "theirs" });
    await batch.commit();

    const exported = await observeQueries(() => userDocuments(db(), uid));
    expect(exported.result.collections.projects).to.have.length(n);
    expect(exported.result.collections.avatar_jobs).to.have.length(n);
    const listed = await observeQueries(() => projectsOfUser(db(), uid));
    expect(listed.result).to.have.length(n);
    const erased = await observeQueries(() => deleteUserDocuments(db(), uid));
    for (const { seen } of [exported, listed, erased]) {
      const userReads = seen.filter((q) => ["projects", "avatar_jobs"].includes(q.collection));
      expect(userReads.length).to.be.greaterThan(1);
      for (const q of userReads) {
        expect(q.limit, `a read of ${q.collection} without a page size`).to.be.a("number");
        expect(q.limit).to.be.at.most(USER_READ_PAGE_SIZE);
      }
    }
    const left = await db().collection("projects").where("userId", "==", uid).get();
    expect(left.size, "every project erased").to.equal(0);
    const jobs = await db().collection("avatar_jobs").where("user_id", "==", uid).get();
    expect(jobs.size, "every job erased").to.equal(0);
    const theirs = await db().collection("projects").where("userId", "==", "someone-else").get();
    expect(theirs.size).to.equal(1);
  });
});
