/**
 * Account erasure with the other two photoreal providers (the Avatar SDK case is in
 * erasure.test.ts): the emulated functions are redeployed with PROVIDER pointing at
 * the in3D or Didimo simulator, a user gets a finished 3D avatar there, and
 * DELETE /api/me removes it as each provider's API allows: Didimo's
 * `DELETE /v3/didimos/{key}`; in3D documents no delete, so its scan is reported
 * `not_deletable` and never called. Storage, Firestore and Auth are emptied either way.
 */
import { expect } from "chai";
import { advanceErasures } from "../../src/services/privacy/erasure";
import { erasureIdFor } from "../../src/store/erasures";
import { callFunction } from "../helpers/http";
import type { TestUser } from "../helpers/auth";
import { consentingUser, postJob, sweepUntilTerminal } from "../helpers/avatar";
import { adminAuth, db } from "../helpers/admin";
import { waitForDoc } from "../helpers/firestore";
import { testContext } from "../helpers/context";
import { footprint } from "../helpers/footprint";
import { useStack } from "../helpers/use-stack";

/** A user with a finished 3D avatar at the configured provider: the job and the footprint. */
async function userWithAvatar(onSubmitted?: (providerJobId: string) => void) {
  const user = await consentingUser(["avatar_3d"]);
  const jobId = await postJob(user);
  const submitted = await waitForDoc(db().doc(`avatar_jobs/${jobId}`), (d) =>
    Boolean(d?.provider_job_id),
  );
  const providerJobId = String(submitted?.provider_job_id);
  onSubmitted?.(providerJobId);
  const reads = await sweepUntilTerminal(jobId);
  expect(reads.at(-1)?.status).to.equal("done");
  const before = await footprint(user.uid);
  expect(before.jobs).to.have.length(1);
  expect(before.assets).to.have.length(1);
  expect(before.files).to.include(`avatars/${jobId}/model.glb`);
  return { user, jobId, providerJobId };
}

async function erase(user: TestUser): Promise<void> {
  const res = await callFunction<{ erasureId: string }>("me", "/api/me", {
    method: "DELETE",
    token: user.idToken,
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(202);
  expect(res.body.erasureId).to.equal(erasureIdFor(user.uid));
}

/** Nothing of the user is left in Storage, Firestore or Auth; the tombstone's counts. */
async function expectErased(uid: string): Promise<Record<string, Record<string, number>>> {
  expect(await footprint(uid)).to.deep.include({
    projects: [],
    jobs: [],
    assets: [],
    prefs: [],
    files: [],
    userDoc: false,
  });
  const gone = await adminAuth()
    .getUser(uid)
    .catch((e: { code: string }) => e.code);
  expect(gone).to.equal("auth/user-not-found");
  const tomb = (
    await db()
      .doc(`erasures/${erasureIdFor(uid)}`)
      .get()
  ).data();
  expect(tomb?.erasure.state).to.equal("done");
  expect(JSON.stringify(tomb)).to.not.contain(uid);
  return tomb?.counts as Record<string, Record<string, number>>;
}

describe("account erasure with Didimo: the didimo is deleted upstream", function () {
  this.timeout(120000);
  const { provider: sim } = useStack({
    servers: ["storage", "heygen"],
    provider: "didimo",
    fresh: { firestore: true },
  });

  it("DELETE /v3/didimos/{key}: gone at Didimo, in Storage, Firestore and Auth; another user's didimo stays", async () => {
    const { user, providerJobId } = await userWithAvatar();
    const other = await userWithAvatar();
    expect(sim().didimos.has(providerJobId)).to.equal(true);

    await erase(user);

    expect(sim().didimos.has(providerJobId)).to.equal(false);
    expect(sim().calls).to.deep.include({
      method: "DELETE",
      path: `/v3/didimos/${providerJobId}`,
      status: 204,
    });
    const counts = await expectErased(user.uid);
    expect(counts.didimo).to.deep.equal({ avatar: { deleted: 1 } });
    expect(sim().didimos.has(other.providerJobId)).to.equal(true);
    expect((await footprint(other.user.uid)).files).to.include(`avatars/${other.jobId}/model.glb`);
  });

  it("a Didimo 5xx on the delete leaves the erasure retrying; the scheduler completes it", async () => {
    const { user, providerJobId } = await userWithAvatar();
    sim().faults.push({ path: `^/v3/didimos/${providerJobId}$`, status: 503, times: 50 });

    await erase(user);
    const status = await callFunction<{ status: string; lastError: string }>(
      "me",
      "/api/me/erasure",
      { token: user.idToken },
    );
    expect(status.body.status).to.equal("retrying");
    expect(status.body.lastError).to.match(/upstream delete\(s\) failed \(didimo avatar\)/);
    expect(sim().didimos.has(providerJobId)).to.equal(true);

    sim().faults.length = 0;
    const later = { now: () => new Date(Date.now() + 2 * 60_000) };
    expect(await advanceErasures(testContext({ clock: later }), { budgetMs: 60000 })).to.deep.equal(
      { done: 1, retrying: 0 },
    );
    expect(sim().didimos.has(providerJobId)).to.equal(false);
    const counts = await expectErased(user.uid);
    expect(counts.didimo).to.deep.equal({ avatar: { deleted: 1 } });
  });
});

describe("account erasure with in3D: the scan cannot be deleted upstream and is reported", function () {
  this.timeout(120000);
  const { provider: sim } = useStack({
    servers: ["storage", "heygen"],
    provider: "in3d",
    fresh: { firestore: true },
  });

  it("no call to in3D (it documents no delete), `not_deletable` in the tombstone; Storage, Firestore and Auth emptied", async () => {
    const { user, providerJobId } = await userWithAvatar((id) => sim().scan(id));
    const callsBefore = sim().calls.length;

    await erase(user);

    const erasureCalls = sim().calls.slice(callsBefore);
    expect(erasureCalls).to.deep.equal([]);
    // Still at in3D: the documented API has no delete (in3D's partner API).
    expect(sim().scans.has(providerJobId)).to.equal(true);
    const counts = await expectErased(user.uid);
    expect(counts.in3d).to.deep.equal({ avatar: { not_deletable: 1 } });
  });
});
