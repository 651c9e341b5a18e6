/**
 * `create_project` (POST /api/projects): the server creates a user's projects, at most
 * PROJECTS_PER_USER_MAX of them (100 in the test stack, the default); past the cap the
 * answer is 429 QUOTA_EXCEEDED with a body saying what to do, and nothing is written.
 * The rules refuse client creates (test/rules), so the cap is the only way in.
 */
import { expect } from "chai";
import { createUser } from "../helpers/auth";
import { db } from "../helpers/admin";
import { callFunction } from "../helpers/http";
import { useStack } from "../helpers/use-stack";

const CAP = 100;

type Answer = {
  projectId?: string;
  error?: string;
  message?: string;
  details?: { scope?: string; limit?: number };
};

describe("create_project (POST /api/projects)", function () {
  this.timeout(60000);
  useStack({ fresh: { firestore: true } });

  it("creates the caller's project, then refuses past the cap with a clear 429 body", async () => {
    const user = await createUser();
    const create = (name: string) =>
      callFunction<Answer>("projects", "/api/projects", {
        method: "POST",
        token: user.idToken,
        body: { name, voiceUrl: `users/${user.uid}/v.webm` },
      });
    const first = await create("First");
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    const doc = (await db().doc(`projects/${first.body.projectId}`).get()).data();
    expect(doc).to.deep.equal({
      userId: user.uid,
      name: "First",
      voiceUrl: `users/${user.uid}/v.webm`,
    });

    const batch = db().batch();
    for (let i = 1; i < CAP; i++)
      batch.set(db().collection("projects").doc(), { userId: user.uid, name: `p${i}` });
    await batch.commit();
    const refused = await create("One too many");
    expect(refused.status).to.equal(429);
    expect(refused.body.error).to.equal("QUOTA_EXCEEDED");
    expect(refused.body.message).to.match(/100 projects.*delete one/);
    expect(refused.body.details).to.deep.equal({ scope: "projects", limit: CAP });
    const mine = await db().collection("projects").where("userId", "==", user.uid).count().get();
    expect(mine.data().count, "nothing written past the cap").to.equal(CAP);

    // Another user is not counted against this one; a bad body is a 400.
    const other = await createUser();
    const theirs = await callFunction<Answer>("projects", "/api/projects", {
      method: "POST",
      token: other.idToken,
      body: { name: "Theirs" },
    });
    expect(theirs.status).to.equal(200);
    const bad = await callFunction<Answer>("projects", "/api/projects", {
      method: "POST",
      token: other.idToken,
      body: { name: "", userId: user.uid },
    });
    expect(bad.status).to.equal(400);
  });
});
